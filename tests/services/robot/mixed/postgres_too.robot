*** Settings ***
Documentation     Uses PostgreSQL and Redis, and starts them only once the Redis-only suite has started the run.

Library           OperatingSystem
Resource          keywords/postgres.resource
Resource          keywords/redis.resource

Suite Setup       Open Both Once The Run Has Redis
Suite Teardown    Close Both


*** Variables ***
${HOLD_UNTIL}    ${EMPTY}


*** Test Cases ***
Run Reads Back
    [Documentation]    A stored run reads back from the PostgreSQL this suite added to the run.
    Start Agent Run    run-added
    Stored Run Status Should Be    run-added    running

Status Reads Back
    [Documentation]    A stored agent status reads back from the run's Redis.
    Store Agent Status    2    running
    Agent Status Should Be    2    running


*** Keywords ***
Open Both Once The Run Has Redis
    [Documentation]    Waits for the Redis-only suite, opens PostgreSQL and Redis, and says so.
    Wait Until Created    ${HOLD_UNTIL}.ready    timeout=120 s
    Open Agent State Database
    Connect To Redis
    Create File    ${HOLD_UNTIL}.added    ${SUITE_SCHEMA}

Close Both
    [Documentation]    Disconnects from Redis, then closes the database and the suite's namespace.
    Disconnect From All Redis
    Close Agent State Database
