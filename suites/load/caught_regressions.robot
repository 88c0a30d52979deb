*** Settings ***
Documentation     The load checks catch what they exist to catch: a leak seeded on purpose in the system under
...               test fails the memory or connection check, and a system whose PostgreSQL is slowed down fails
...               the regression check.
...
...               The slowed system is compared with a reference load run just before it (p95 worse by more than
...               50 % and 300 ms, 40 samples). The slowdown (25 ms on every PostgreSQL answer, about 2 s more per
...               run) is several times a run's own latency, so a machine busy with other work during the reference
...               run does not hide it.

Resource          keywords/load.resource
Resource          keywords/faults.resource

Suite Setup       Open Agent Load Suite Behind Fault Proxies    workers=4
Suite Teardown    Close Agent Load Suite
Test Teardown     Remove All Faults

Test Tags         load


*** Variables ***
${RUNS}                 40
${IN_FLIGHT}            4
&{REFERENCE_MARGINS}    relative_margin=50 %    absolute_margin=300 ms    min_samples=40


*** Test Cases ***
Leaks Seeded On Purpose Are Caught
    [Documentation]    Each defect of the reference system's catalogue fails the check that watches for it.
    [Tags]    defects    needs:seeded_defects
    [Timeout]    150 s
    [Setup]    Remove All Faults
    [Template]    Seeded Defect Should Be Caught By
    leak_memory_per_run    Memory Growth Should Level Off    memory grew by * MiB over * runs and did not level off *
    hold_connection_per_step    Connections Should Stay Below Pool Limit    * of * connections in use: *
    [Teardown]    Restart Agent Load System

Slow PostgreSQL Is Caught As A Regression
    [Documentation]    The same load, with 25 ms on every PostgreSQL answer of the system, fails the regression check
    ...    against a reference load run without the fault just before.
    [Tags]    faults
    [Timeout]    150 s
    ${reference}    Run Agent Load    runs=${RUNS}    concurrency=${IN_FLIGHT}
    ${baseline}    Save Load Result As Baseline    ${reference}    agent_runs_at_rest
    PostgreSQL Becomes Slow    25ms
    ${result}    Run Agent Load    runs=${RUNS}    concurrency=${IN_FLIGHT}    time_bound=90 s
    Load Should Have Regressed    ${result}    ${baseline}    &{REFERENCE_MARGINS}
