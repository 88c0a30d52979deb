*** Settings ***
Documentation     Trouble on the connection: a session killed by the server is re-established without losing
...               committed work, a slow query is cancelled by the statement timeout, and an exhausted pool fails
...               clearly instead of hanging.

Resource          keywords/postgres.resource

Suite Setup       Open Agent State Database
Suite Teardown    Close Agent State Database
Test Teardown     Reset Agent State
Test Timeout      1 minute

Test Tags         postgres    resilience


*** Test Cases ***
Terminated Session Is Re-Established And Committed Work Is Intact
    [Documentation]    A session killed with pg_terminate_backend is replaced on next use; committed rows are all there.
    Start Agent Run    run-kill
    Add Task To Run    run-kill    survive-kill
    Server Terminates The Database Session
    Stored Run Status Should Be    run-kill    running
    Task Should Be Stored Once    survive-kill
    Get Reconnect Count    ==    1

Terminated Session Fails Until It Is Re-Established
    [Documentation]    A killed session fails clearly instead of hanging, and works again once re-established.
    Server Terminates The Database Session
    Run Keyword And Expect Error    OperationalError: *    Session Should Still Work
    Ensure Database Connection
    Session Should Still Work

Statement Timeout Cancels A Slow Query
    [Documentation]    A query slower than statement_timeout is cancelled by the server with a clear error.
    Connect To Run Database    statement_timeout=300 ms    alias=impatient
    Run Keyword And Expect Error    QueryCanceled: canceling statement due to statement timeout*
    ...    Run Slow Query    5    alias=impatient
    Session Should Still Work    alias=impatient

Exhausted Pool Fails Clearly Within Its Acquire Timeout
    [Documentation]    Borrowing from a full pool fails within its acquire timeout (the test timeout bounds it) and
    ...    names the fix.
    [Timeout]    15 seconds
    Open Connection Pool    max_size=2    timeout=500 ms
    Borrow Pool Connection
    Borrow Pool Connection
    Run Keyword And Expect Error
    ...    Connection pool 'default' is exhausted: 2 of 2 connections are in use and none was returned within 500 *
    ...    Borrow Pool Connection
    Get Pool Connections In Use    ==    2

Returned Pool Connections Can Be Borrowed Again
    [Documentation]    A connection given back to a full pool can be borrowed again.
    Open Connection Pool    max_size=1    timeout=500 ms
    Borrow Pool Connection
    Return Pool Connections
    Borrow Pool Connection
    Get Pool Connections In Use    ==    1
