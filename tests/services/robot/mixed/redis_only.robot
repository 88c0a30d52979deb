*** Settings ***
Documentation     Uses Redis alone: starts the run, then holds it open until HOLD_UNTIL appears.

Library           OperatingSystem
Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite


*** Variables ***
${HOLD_UNTIL}    ${EMPTY}


*** Test Cases ***
Status Reads Back
    [Documentation]    A stored agent status reads back from the run's Redis.
    Store Agent Status    1    running
    Agent Status Should Be    1    running

Hold The Run Open
    [Documentation]    Signals that the run has Redis, and waits while the other suite adds PostgreSQL.
    Create File    ${HOLD_UNTIL}.ready    ${SUITE_SCHEMA}
    Wait Until Created    ${HOLD_UNTIL}    timeout=120 s
