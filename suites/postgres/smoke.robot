*** Settings ***
Documentation     Wiring of the PostgreSQL suites: a write reads back, the suite works in its own schema with
...               timeouts set, and another suite's schema stays out of sight.

Resource          keywords/postgres.resource

Suite Setup       Open Agent State Database
Suite Teardown    Close Agent State Database
Test Teardown     Reset Agent State

Test Tags         postgres    smoke


*** Test Cases ***
Stored Run Reads Back
    [Documentation]    A run written by one keyword is read back unchanged.
    Start Agent Run    run-smoke    agent=researcher
    Stored Run Status Should Be    run-smoke    running
    Stored Run Ids Should Be    run-smoke

Sessions Work In The Suite Schema
    [Documentation]    Sessions start with search_path set to the suite's own schema and nothing else.
    Check Query Result    SELECT current_schema()    ==    ${SUITE_SCHEMA}
    Check Query Result    SHOW search_path    ==    ${SUITE_SCHEMA}

Agent Tables Are Created In The Suite Schema
    [Documentation]    The agent-state tables were created inside the suite schema.
    Check Row Count
    ...    SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'agent_%'
    ...    ==    3

Every Session Has A Statement Timeout
    [Documentation]    A newly connected session carries the default statement timeout.
    Connect Observer Session
    Check Query Result    SHOW statement_timeout    ==    30s    alias=${OBSERVER}

Another Suite's Schema Is Not Visible
    [Documentation]    Rows in another suite's schema, even in a table of the same name, stay out of sight.
    Start Agent Run    run-ours
    Another Suite Stores Run    run-theirs
    Stored Run Ids Should Be    run-ours
    Stored Run Should Not Exist    run-theirs
