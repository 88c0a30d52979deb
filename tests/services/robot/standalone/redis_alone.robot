*** Settings ***
Documentation     A suite run on its own, with no __init__.robot: the Redis keywords bring up the services.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite


*** Test Cases ***
Status Reads Back
    [Documentation]    A stored agent status reads back.
    Store Agent Status    1    running
    Agent Status Should Be    1    running
