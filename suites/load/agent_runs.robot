*** Settings ***
Documentation     The system under test under load: hundreds of runs at once finish once each, within their SLA.

Resource          keywords/load.resource

Suite Setup       Open Agent Load Suite    workers=4
Suite Teardown    Close Agent Load Suite

Test Tags         load    orchestration


*** Test Cases ***
Two Hundred Concurrent Runs Finish Once
    [Documentation]    200 runs in flight at once, the emulator answering at once: 0 lost, 0 steps applied twice.
    [Timeout]    90 s
    ${result}    Run Agent Load    runs=200    concurrency=200    time_bound=60 s
    No Agent Run Should Be Lost Under Load    ${result}
    Load Result Should Meet SLA    ${result}    error_rate=0 %    lost=0    duplicated=0
