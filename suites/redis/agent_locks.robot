*** Settings ***
Documentation     Locks agents hold while they work on something shared: a held lock keeps other agents out, only
...               its holder gives it back, and the lock of an agent that died passes on once its time is up. A job
...               is claimed by the first agent only.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Held Lock Keeps Another Agent Out
    [Documentation]    While one agent holds a lock, another is refused at once and the holder keeps it.
    Agent Takes The Lock    agent-a    lock:60
    Agent Should Be Refused The Lock    agent-b    lock:60
    Get Lock Holder    lock:60    ==    agent-a

Only The Holder Gives A Lock Back
    [Documentation]    Another agent cannot release a lock; its holder can, and then it is free.
    Agent Takes The Lock    agent-a    lock:61
    Agent Should Not Be Able To Release The Lock    agent-b    lock:61
    Agent Releases The Lock    agent-a    lock:61
    Get Lock Holder    lock:61    ==    ${None}

Lock Of An Agent That Died Passes To A Waiting Agent
    [Documentation]    A lock its holder never gave back goes to the agent waiting for it once its time is up.
    Agent Takes The Lock    agent-a    lock:62    ttl=200 ms
    Agent Takes The Lock    agent-b    lock:62    timeout=5 s
    Get Lock Holder    lock:62    ==    agent-b

First Agent To Claim A Job Owns It
    [Documentation]    The first claim of a job is taken; a later claim by another agent is not, and changes nothing.
    ${first}    Agent Claims The Job    agent-a    job-15
    ${second}    Agent Claims The Job    agent-b    job-15
    Should Be Equal    ${{ [$first, $second] }}    ${{ [True, False] }}
    Get Job Owner    job-15    ==    agent-a
