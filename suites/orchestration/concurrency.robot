*** Settings ***
Documentation     Many runs at once: none is lost, no step is applied twice, and every run ends.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite    workers=3
Suite Teardown    Close Agent System Suite

Test Tags         orchestration    concurrency


*** Test Cases ***
Fifty Concurrent Runs All Finish Once
    [Documentation]    Fifty runs submitted at once: 0 lost, 0 steps applied twice, all finished.
    ${runs}    Submit Agent Runs Concurrently    50
    Wait Until Agent Runs Finish    ${runs}    timeout=${MANY_RUNS_TIMEOUT}
    No Agent Run Should Be Lost    ${runs}
    Each Step Should Have Been Applied Once    ${runs}
