*** Settings ***
Documentation     The system under test under load: hundreds of runs at once finish once each, runs keep the
...               latency of their baseline, and the system's memory and connections stay flat.
...
...               A run's latency is hundreds of milliseconds and moves with the machine's load: the committed
...               baseline is checked with wide margins (p95 worse by more than 100 % and 1 s) on 40 samples.

Resource          keywords/load.resource
Resource          keywords/faults.resource

Suite Setup       Open Agent Load Suite Behind Fault Proxies    workers=4
Suite Teardown    Close Agent Load Suite
Test Teardown     Remove All Faults

Test Tags         load


*** Variables ***
${RUNS}                 40
${IN_FLIGHT}            4
&{COMMITTED_MARGINS}    relative_margin=100 %    absolute_margin=1 s    min_samples=40


*** Test Cases ***
Two Hundred Concurrent Runs Finish Once
    [Documentation]    200 runs in flight at once, the emulator answering at once: 0 lost, 0 steps applied twice.
    [Timeout]    90 s
    ${result}    Run Agent Load    runs=200    concurrency=200    time_bound=60 s
    No Agent Run Should Be Lost Under Load    ${result}
    Load Result Should Meet SLA    ${result}    error_rate=0 %    lost=0    duplicated=0

Agent Runs Keep Their Baseline
    [Documentation]    40 runs, 4 in flight: no errors, and p95 within the margins of the committed baseline.
    [Timeout]    90 s
    ${result}    Run Agent Load    runs=${RUNS}    concurrency=${IN_FLIGHT}
    Load Result Should Meet SLA    ${result}    error_rate=0 %
    Load Result Should Not Regress    ${result}    agent_runs    &{COMMITTED_MARGINS}

Memory And Connections Stay Flat Under Load
    [Documentation]    40 runs, 4 in flight: the system's memory levels off and its connections stay within its pools.
    [Timeout]    90 s
    ${result}    Run Agent Load    runs=${RUNS}    concurrency=${IN_FLIGHT}    sample_interval=50 ms
    Memory And Connections Should Hold Under Load    ${result}
