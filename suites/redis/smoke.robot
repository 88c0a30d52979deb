*** Settings ***
Documentation     The Redis wiring: a suite writes and reads the run's server inside its own key namespace.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis    smoke


*** Test Cases ***
Written Value Reads Back
    [Documentation]    A value written through the suite's connection reads back unchanged.
    Store Agent Status    1    running
    Agent Status Should Be    1    running

Keys Carry The Suite Namespace
    [Documentation]    The key a test writes is stored under the suite's own key prefix.
    Connect Without Namespace
    Store Agent Status    2    planning
    Keys Should Carry The Suite Namespace    agent:2:status
    [Teardown]    Disconnect From Redis    alias=raw

Another Suite's Keys Are Not Visible
    [Documentation]    A key in another namespace is neither readable nor listed here.
    Connect Without Namespace
    Another Suite Writes    agent:3:status    foreign
    Redis Key Should Not Exist    agent:3:status
    Get Redis Keys    agent:*    not contains    agent:3:status
    [Teardown]    Run Keywords    Remove What Another Suite Wrote    agent:3:status
    ...    AND    Disconnect From Redis    alias=raw
