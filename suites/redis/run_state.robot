*** Settings ***
Documentation     What agents keep in Redis about themselves and their runs: a status that lapses unless renewed,
...               heartbeats, a run's record, plan and finished steps. Leases are TTLs in milliseconds or seconds;
...               counting steps from many agents at once loses none.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Agent Status Reads Back As Stored
    [Documentation]    A status an agent stores reads back as the same text.
    Store Agent Status    7    running
    ${status}    Get Agent Status    7
    Should Be Equal    ${status}    running

Agent Status Lapses When Its Lease Runs Out
    [Documentation]    A status stored with a lease is there until the lease runs out, then gone.
    Store Agent Status    16    running    ttl=300 ms
    Agent Status Should Be    16    running
    Agent Status Should Expire    16

Renewed Lease Counts In Seconds
    [Documentation]    A lease renewed for ten seconds has at most ten and more than nine seconds left.
    Store Agent Status    12    waiting
    Renew Agent Status Lease    12    10 s
    Get Agent Status Lease    12    >    9 s
    Get Agent Status Lease    12    <=    10 s

Pinned Agent Status Never Lapses
    [Documentation]    A status whose lease is removed has no time limit left.
    Store Agent Status    13    supervising    ttl=1 min
    Pin Agent Status    13
    ${left}    Get Agent Status Lease    13
    Should Be Equal    ${left}    ${None}

Silent Agent's Heartbeat Lapses
    [Documentation]    A heartbeat lives for its millisecond lease; without a new one the agent has none.
    Send Agent Heartbeat    agent-11    ttl=300 ms
    Get Agent Heartbeat Lease    agent-11    <=    300 ms
    Wait Until Agent Heartbeat Expires    agent-11
    Agent Should Have No Heartbeat    agent-11

Run Record Keeps Every Field
    [Documentation]    A run's record keeps each field, read one by one or as a whole.
    Store Run State    run-8    status=waiting    step=3    model=gpt-4o-mini
    Get Run State Field    run-8    status    ==    waiting
    Run State Should Be    run-8    status=waiting    step=3    model=gpt-4o-mini

Run Plan Keeps Its Types
    [Documentation]    A plan comes back equal to the one stored, numbers and booleans included.
    VAR    &{plan}    goal=summarise    steps=${3}    done=${False}
    Store Run Plan    run-9    ${plan}
    ${stored}    Get Run Plan    run-9    ==    ${plan}
    Should Be Equal    ${stored}[steps]    ${3}

Finished Steps Count Up And Down
    [Documentation]    Finished steps start at 0; steps are added one or several at a time, and taken back.
    Add Finished Steps    run-10
    Add Finished Steps    run-10    5
    Add Finished Steps    run-10    -2
    Get Finished Step Count    run-10    ==    4

Agents Finishing Steps At Once Lose No Count
    [Documentation]    Four agents counting 25 finished steps each at the same time leave exactly 100.
    Agents Finish Steps Concurrently    run-30    agents=4    steps_each=25
    Get Finished Step Count    run-30    ==    100
