*** Settings ***
Documentation     Multi-step changes are atomic, and the isolation levels behave as the agents assume,
...               shown with two real sessions on the same rows.

Resource          keywords/postgres.resource

Suite Setup       Open Agent State Database
Suite Teardown    Close Agent State Database
Test Teardown     Reset Agent State

Test Tags         postgres


*** Test Cases ***
Change That Fails Half Way Leaves Nothing Visible
    [Documentation]    A run and its tasks are stored in one transaction; the last insert fails, so nothing of it
    ...    remains.
    Connect Observer Session
    Run Keyword And Expect Error    CheckViolation: *agent_tasks_status_check*
    ...    Store Run With Tasks In One Transaction    run-half    pending    claimed    lost
    Stored Run Should Not Exist    run-half    alias=${OBSERVER}
    Task Should Not Exist    run-half-0    alias=${OBSERVER}
    Stored Run Should Not Exist    run-half

Transaction Aborted By A Duplicate Task Is Not Committed
    [Documentation]    A task added twice under one idempotency key aborts the transaction: committing it fails,
    ...    saying PostgreSQL rolled it back, and neither the run nor its first task is stored.
    Begin Transaction
    Start Agent Run In Transaction    run-dup    planner
    Add Task To Run In Transaction    run-dup    run-dup-step-1
    Run Keyword And Expect Error    UniqueViolation: *agent_tasks_idempotency_key_unique*
    ...    Add Task To Run In Transaction    run-dup    run-dup-step-1
    Run Keyword And Expect Error    *was not committed: PostgreSQL answered COMMIT with ROLLBACK*
    ...    Commit Transaction
    Stored Run Should Not Exist    run-dup
    Task Should Not Exist    run-dup-step-1

Uncommitted Run Is Invisible To Another Session
    [Documentation]    Another session sees a new run only after it is committed (no dirty reads).
    Connect Observer Session
    Begin Transaction
    Start Agent Run In Transaction    run-draft    planner
    Stored Run Should Not Exist    run-draft    alias=${OBSERVER}
    Commit Transaction
    Stored Run Status Should Be    run-draft    running    alias=${OBSERVER}

Status Change Is Invisible Until Committed
    [Documentation]    A status changed inside a transaction is seen by that session only, until it commits.
    Start Agent Run    run-status    status=queued
    Connect Observer Session
    Begin Transaction
    Set Agent Run Status In Transaction    run-status    running
    Run Status In Transaction Should Be    run-status    running
    Stored Run Status Should Be    run-status    queued    alias=${OBSERVER}
    Commit Transaction
    Stored Run Status Should Be    run-status    running    alias=${OBSERVER}

Read Committed Sees A Commit Made During The Transaction
    [Documentation]    READ COMMITTED: the same query in one transaction sees another session's commit (non-repeatable
    ...    read).
    Start Agent Run    run-rc
    Connect Observer Session
    Begin Transaction    READ COMMITTED    alias=${OBSERVER}
    Run Status In Transaction Should Be    run-rc    running    alias=${OBSERVER}
    Set Agent Run Status    run-rc    succeeded
    Run Status In Transaction Should Be    run-rc    succeeded    alias=${OBSERVER}
    Commit Transaction    alias=${OBSERVER}

Repeatable Read Keeps Its Snapshot
    [Documentation]    REPEATABLE READ: the transaction keeps seeing its snapshot while another session commits.
    Start Agent Run    run-rr
    Connect Observer Session
    Begin Transaction    REPEATABLE READ    alias=${OBSERVER}
    Run Status In Transaction Should Be    run-rr    running    alias=${OBSERVER}
    Set Agent Run Status    run-rr    succeeded
    Run Status In Transaction Should Be    run-rr    running    alias=${OBSERVER}
    Commit Transaction    alias=${OBSERVER}
    Stored Run Status Should Be    run-rr    succeeded    alias=${OBSERVER}

Repeatable Read Refuses To Overwrite A Concurrent Update
    [Documentation]    REPEATABLE READ: updating a row changed by a later commit fails with a serialization failure.
    Start Agent Run    run-conflict
    Connect Observer Session
    Begin Transaction    REPEATABLE READ    alias=${OBSERVER}
    Run Status In Transaction Should Be    run-conflict    running    alias=${OBSERVER}
    Set Agent Run Status    run-conflict    succeeded
    Updating Run Status In Transaction Should Fail To Serialize    run-conflict    failed    alias=${OBSERVER}
    Roll Back Transaction    alias=${OBSERVER}
    Stored Run Status Should Be    run-conflict    succeeded

Serializable Refuses Write Skew
    [Documentation]    SERIALIZABLE: two agents both check there is no running run and both start one; the second
    ...    commit is refused.
    Connect Observer Session
    Begin Transaction    SERIALIZABLE
    Begin Transaction    SERIALIZABLE    alias=${OBSERVER}
    Running Runs Of Agent In Transaction Should Be    planner    0
    Running Runs Of Agent In Transaction Should Be    planner    0    alias=${OBSERVER}
    Start Agent Run In Transaction    run-a    planner
    Start Agent Run In Transaction    run-b    planner    alias=${OBSERVER}
    Commit Transaction
    Committing Should Fail To Serialize    alias=${OBSERVER}
    Running Runs Of Agent Should Be    planner    1

Read Committed Lets Write Skew Through
    [Documentation]    The same interleaving under READ COMMITTED commits both runs: the invariant needs SERIALIZABLE.
    Connect Observer Session
    Begin Transaction    READ COMMITTED
    Begin Transaction    READ COMMITTED    alias=${OBSERVER}
    Running Runs Of Agent In Transaction Should Be    planner    0
    Running Runs Of Agent In Transaction Should Be    planner    0    alias=${OBSERVER}
    Start Agent Run In Transaction    run-a    planner
    Start Agent Run In Transaction    run-b    planner    alias=${OBSERVER}
    Commit Transaction
    Commit Transaction    alias=${OBSERVER}
    Running Runs Of Agent Should Be    planner    2

Deadlock Is Detected And The Retried Transaction Succeeds
    [Documentation]    Two agents lock two tasks in opposite order; the server breaks the deadlock and the retried
    ...    victim commits.
    Start Agent Run    run-deadlock
    Add Task To Run    run-deadlock    task-a
    Add Task To Run    run-deadlock    task-b
    ${outcome}    Two Agents Update Both Tasks In Opposite Order    task-a    task-b
    Should Be Equal As Integers    ${outcome}[deadlocks]    1
    Task Attempts Should Be    task-a    2
    Task Attempts Should Be    task-b    2
