*** Settings ***
Documentation     The system under test under load: hundreds of runs at once finish once each, runs keep the
...               latency of their baseline, a system whose PostgreSQL is slowed down is caught by the
...               regression check, and its memory and connections stay flat (a leak seeded on purpose is caught).
...
...               A run's latency is hundreds of milliseconds and moves with the machine's load: the committed
...               baseline is checked with wide margins (p95 worse by more than 100 % and 1 s), the slowed system
...               against a reference load run just before it (50 % and 300 ms), both on 40 samples at least.

Resource          keywords/load.resource
Resource          keywords/faults.resource

Suite Setup       Open Agent Load Suite Behind Fault Proxies    workers=4
Suite Teardown    Close Agent Load Suite
Test Teardown     Remove All Faults

Test Tags         load    orchestration


*** Variables ***
${RUNS}                 40
${IN_FLIGHT}            4
&{COMMITTED_MARGINS}    relative_margin=100 %    absolute_margin=1 s    min_samples=40
&{REFERENCE_MARGINS}    relative_margin=50 %    absolute_margin=300 ms    min_samples=40


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

Leaks Seeded On Purpose Are Caught
    [Documentation]    Each defect of the reference system's catalogue fails the check that watches for it.
    [Tags]    defects
    [Timeout]    150 s
    [Setup]    Remove All Faults
    [Template]    Seeded Defect Should Be Caught By
    leak_memory_per_run    Memory Growth Should Level Off    memory grew by * MiB over * runs and did not level off *
    hold_connection_per_step    Connections Should Stay Below Pool Limit    * of * connections in use: *
    [Teardown]    Restart Agent Load System

Slow PostgreSQL Is Caught As A Regression
    [Documentation]    The same load, with 10 ms on every PostgreSQL answer of the system, fails the regression check
    ...    against a reference load run without the fault just before.
    [Tags]    faults
    [Timeout]    150 s
    ${reference}    Run Agent Load    runs=${RUNS}    concurrency=${IN_FLIGHT}
    ${baseline}    Save Load Result As Baseline    ${reference}    agent_runs_at_rest
    PostgreSQL Becomes Slow    10ms
    ${result}    Run Agent Load    runs=${RUNS}    concurrency=${IN_FLIGHT}    time_bound=90 s
    Load Should Have Regressed    ${result}    ${baseline}    &{REFERENCE_MARGINS}
