*** Settings ***
Documentation     A suite run on its own, with no __init__.robot: the PostgreSQL keywords bring up the services.

Resource          keywords/postgres.resource

Suite Setup       Open Agent State Database
Suite Teardown    Close Agent State Database


*** Test Cases ***
Run Reads Back
    [Documentation]    A stored run reads back with its status.
    Start Agent Run    run-alone
    Stored Run Status Should Be    run-alone    running
