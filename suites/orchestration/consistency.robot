*** Settings ***
Documentation     PostgreSQL (the source of truth) and Redis (the work queues and the status cache) agree on every
...               run; when Redis loses everything, the system rebuilds it and loses nothing.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite
Suite Teardown    Close Agent System Suite

Test Tags         orchestration    consistency


*** Test Cases ***
Stores Agree After Runs Finish
    [Documentation]    After ten runs, the cached status of every run is the stored one.
    ${runs}    Submit Agent Runs Concurrently    10
    Wait Until Agent Runs Finish    ${runs}
    Agent Run State Should Agree Across Services

Runs In Flight Survive The Cache Losing Everything
    [Documentation]    Redis loses every key mid-run: queues and cache are rebuilt from PostgreSQL; nothing lost.
    Steps Will Be Slow    times=5
    ${runs}    Submit Agent Runs Concurrently    5
    Wait Until An Agent Step Is Running    ${runs}[0]
    Delete Agent System Cache
    Wait Until Agent Runs Finish    ${runs}
    No Agent Run Should Be Lost    ${runs}
    Each Step Should Have Been Applied Once    ${runs}
    Agent Run State Should Agree Across Services    ${runs}    retry_timeout=10s
