*** Settings ***
Documentation     Agent state persists as stored, and the schema's constraints refuse what a real system must
...               never store: orphans, unknown statuses and a second task with the same idempotency key.

Resource          keywords/postgres.resource

Suite Setup       Open Agent State Database
Suite Teardown    Close Agent State Database
Test Teardown     Reset Agent State

Test Tags         postgres


*** Test Cases ***
Run, Task And Messages Round Trip
    [Documentation]    A run with a task and its events persists and reads back in order.
    Start Agent Run    run-1    agent=planner
    Add Task To Run    run-1    plan-trip    description=Plan a trip
    Record Agent Message    run-1    Looking up flights
    Record Agent Message    run-1    {"tool": "flights", "to": "Oslo"}    kind=tool_call
    Set Agent Run Status    run-1    succeeded
    Stored Run Status Should Be    run-1    succeeded
    Task Should Be Stored Once    plan-trip
    Agent Messages Should Be    run-1    Looking up flights    {"tool": "flights", "to": "Oslo"}

Markup In Agent Output Is Stored Verbatim And Logged As Text
    [Documentation]    Agent output with markup is stored as given and appears escaped in the log, never as HTML.
    Start Agent Run    run-markup
    Record Agent Message    run-markup    <script>alert(1)</script>
    Agent Messages Should Be    run-markup    <script>alert(1)</script>

Unicode Survives The Round Trip
    [Documentation]    Non-ASCII text and quotes survive storing and reading back.
    Start Agent Run    run-unicode
    Record Agent Message    run-unicode    Grüße, 你好, emoji 🚀 and a quote ' in it
    Agent Messages Should Be    run-unicode    Grüße, 你好, emoji 🚀 and a quote ' in it

Duplicate Idempotency Key Is Refused And Stored Once
    [Documentation]    A second task with the same idempotency key fails clearly and adds no row.
    Start Agent Run    run-dup
    Add Task To Run    run-dup    fetch-weather
    Adding Task Should Fail As Duplicate    run-dup    fetch-weather
    Task Should Be Stored Once    fetch-weather

Task Of An Unknown Run Is Refused
    [Documentation]    A task must belong to a stored run (foreign key).
    Run Keyword And Expect Error    ForeignKeyViolation: *violates foreign key constraint*
    ...    Add Task To Run    no-such-run    orphan-task
    Task Should Not Exist    orphan-task

Unknown Run Status Is Refused
    [Documentation]    Only the known run statuses can be stored (check constraint).
    Start Agent Run    run-status
    Run Keyword And Expect Error    CheckViolation: *violates check constraint "agent_runs_status_check"*
    ...    Set Agent Run Status    run-status    exploded
    Stored Run Status Should Be    run-status    running

Deleting A Run Removes Its Tasks And Messages
    [Documentation]    Deleting a run cascades to its tasks and events.
    Start Agent Run    run-gone
    Add Task To Run    run-gone    short-lived
    Record Agent Message    run-gone    soon deleted
    Delete Agent Run    run-gone
    Run Should Have No Tasks Or Events    run-gone
