*** Settings ***
Documentation     Many agents writing at once: a row lock keeps every update, a plain read-modify-write loses
...               them, and SKIP LOCKED hands each queued task to exactly one worker.
...
...               Workers meet at the worst moment on purpose (all have read, or the others are seen waiting for
...               the lock), so the outcome is the same on every run.

Resource          keywords/postgres.resource

Suite Setup       Open Agent State Database
Suite Teardown    Close Agent State Database
Test Teardown     Reset Agent State

Test Tags         postgres    concurrency


*** Test Cases ***
Eight Writers With A Row Lock Lose No Update
    [Documentation]    With SELECT ... FOR UPDATE the eight writers queue behind each other: every increment is kept.
    Start Agent Run    run-locked
    ${outcome}    Agents Record Tokens With Row Lock    run-locked    workers=8    rounds=5
    Tokens Used Should Be    run-locked    40
    Should Be Equal As Integers    ${outcome}[max_same_value_reads]    1

Eight Writers Without A Row Lock Lose Updates
    [Documentation]    Without a row lock all eight read the same total each round, so only one increment per round
    ...    survives.
    Start Agent Run    run-unlocked
    ${outcome}    Agents Record Tokens Without Row Lock    run-unlocked    workers=8    rounds=5
    Should Be Equal As Integers    ${outcome}[max_same_value_reads]    8
    Tokens Used Should Be    run-unlocked    5

Skip Locked Hands Each Task To Exactly One Worker
    [Documentation]    Four workers claim twenty tasks at the same time; each task is claimed once, by one worker.
    Start Agent Run    run-queue
    Queue Tasks    run-queue    20
    ${outcome}    Workers Claim All Pending Tasks    workers=4
    Every Task Should Be Claimed Exactly Once    run-queue    20
    Should Be Empty    ${outcome}[duplicates]
    Should Be Equal As Integers    ${outcome}[max_parallel_claims]    4
