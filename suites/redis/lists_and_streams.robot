*** Settings ***
Documentation     Queued work is delivered in order and at least once, also when a consumer dies.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Jobs Are Taken In The Order They Were Queued
    [Documentation]    A list is a FIFO queue.
    Queue Jobs    queue:40    job-1    job-2    job-3
    Next Job Should Be    queue:40    job-1
    Next Job Should Be    queue:40    job-2
    Get Redis List    queue:40    ==    ${{['job-3']}}

Waiting Worker Gets A Queued Job
    [Documentation]    A blocking pop returns a job that is already queued.
    Queue Jobs    queue:41    job-1
    ${job}    Pop From Redis List    queue:41    timeout=2 s
    Should Be Equal    ${job}    job-1

Waiting On An Empty Queue Fails After Its Timeout
    [Documentation]    A blocking pop on an empty queue fails after its timeout, naming the list.
    Run Keyword And Expect Error    Redis list 'queue:42' had no item to pop within 300ms.
    ...    Pop From Redis List    queue:42    timeout=300 ms

Acknowledged Tasks Are No Longer Pending
    [Documentation]    Tasks stay pending until the worker acknowledges them.
    Publish Tasks    stream:43    workers    plan    act
    ${entries}    Worker Takes Tasks    stream:43    workers    agent-a    2
    Get Pending Stream Entry Count    stream:43    workers    ==    2
    Worker Finishes Tasks    stream:43    workers    ${entries}
    Get Pending Stream Entry Count    stream:43    workers    ==    0

A Worker Takes One Task At A Time
    [Documentation]    A worker that takes the next task gets the oldest one and leaves the rest waiting.
    Publish Tasks    stream:46    workers    plan    act
    ${first}    Worker Takes Next Task    stream:46    workers    agent-a
    Task Names Should Be    ${first}    plan
    Get Pending Stream Entry Count    stream:46    workers    ==    1
    ${second}    Worker Takes Next Task    stream:46    workers    agent-b
    Task Names Should Be    ${second}    act

Tasks Of A Dead Worker Are Claimed By Another
    [Documentation]    At-least-once: unacknowledged tasks of a dead worker are claimed by another; none is lost.
    Publish Tasks    stream:44    workers    plan    act    report
    Worker Takes Tasks    stream:44    workers    agent-a    3
    Worker Dies Holding Its Tasks    stream:44    workers    agent-a    100 ms
    ${claimed}    Tasks Should Be Claimed By    stream:44    workers    agent-b    100 ms    3
    Task Names Should Be    ${claimed}    plan    act    report
    Worker Finishes Tasks    stream:44    workers    ${claimed}
    Get Pending Stream Entry Count    stream:44    workers    ==    0
    Get Redis Stream Length    stream:44    ==    3

Each Task Is Delivered Once Per Group
    [Documentation]    A task delivered to one worker of a group is not delivered to another.
    Publish Tasks    stream:45    workers    plan    act
    Worker Takes Tasks    stream:45    workers    agent-a    2
    Worker Takes Tasks    stream:45    workers    agent-b    0
