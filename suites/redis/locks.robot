*** Settings ***
Documentation     Locks exclude: a second acquirer is refused or waits with a bound; only the owner releases.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Second Agent Is Refused A Held Lock
    [Documentation]    While one owner holds a lock, another is refused at once.
    Acquire Redis Lock    lock:60    ttl=10 s    owner=agent-a
    Run Keyword And Expect Error    Redis lock 'lock:60' is held by 'agent-a'*
    ...    Acquire Redis Lock    lock:60    owner=agent-b
    Get Redis Lock Owner    lock:60    ==    agent-a

Only The Owner Releases A Lock
    [Documentation]    Releasing someone else's lock fails and leaves it held.
    Acquire Redis Lock    lock:61    ttl=10 s    owner=agent-a
    Run Keyword And Expect Error    *not released for owner 'agent-b': it is held by 'agent-a'.
    ...    Release Redis Lock    lock:61    owner=agent-b
    Release Redis Lock    lock:61    owner=agent-a
    Get Redis Lock Owner    lock:61    ==    ${None}

Waiting Agent Gets A Lock Whose TTL Ran Out
    [Documentation]    A waiting acquirer gets the lock once its TTL has run out.
    Acquire Redis Lock    lock:62    ttl=200 ms    owner=agent-a
    Acquire Redis Lock    lock:62    ttl=10 s    timeout=5 s    owner=agent-b
    Get Redis Lock Owner    lock:62    ==    agent-b

Waiting Agent Gives Up After Its Bound
    [Documentation]    A waiting acquirer fails after its wait bound while the lock stays held.
    Acquire Redis Lock    lock:63    ttl=10 s    owner=agent-a
    Run Keyword And Expect Error    *did not get it within 300ms.
    ...    Acquire Redis Lock    lock:63    timeout=300 ms    owner=agent-b
