*** Settings ***
Documentation     Work handed to agents: jobs are taken in the order they were queued, and tasks given to a group
...               of workers are delivered at least once, one worker each, also when a worker dies holding them.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Jobs Are Taken In The Order They Were Queued
    [Documentation]    The oldest job is taken first; the others keep waiting in order.
    Queue Jobs    jobs-40    job-1    job-2    job-3
    ${first}    Take Next Job    jobs-40
    ${second}    Take Next Job    jobs-40
    Should Be Equal    ${first}:${second}    job-1:job-2
    Get Waiting Jobs    jobs-40    ==    ${{['job-3']}}

Waiting Agent Gets A Queued Job At Once
    [Documentation]    An agent that waits for work gets a job already in the queue.
    Queue Jobs    jobs-41    job-1
    ${job}    Take Next Job    jobs-41    timeout=2 s
    Should Be Equal    ${job}    job-1

Finished Tasks Are No Longer Unfinished
    [Documentation]    Tasks a worker took stay unfinished until it acknowledges them.
    Publish Tasks    tasks-43    workers    plan    act
    ${tasks}    Worker Takes Tasks    tasks-43    workers    agent-a    2
    Get Unfinished Task Count    tasks-43    workers    ==    2
    Worker Finishes Tasks    tasks-43    workers    ${tasks}
    Get Unfinished Task Count    tasks-43    workers    ==    0

Worker Takes One Task At A Time
    [Documentation]    A worker taking its next task gets the oldest one and leaves the rest to others.
    Publish Tasks    tasks-46    workers    plan    act
    ${first}    Worker Takes Next Task    tasks-46    workers    agent-a
    Task Names Should Be    ${first}    plan
    Get Unfinished Task Count    tasks-46    workers    ==    1
    ${second}    Worker Takes Next Task    tasks-46    workers    agent-b
    Task Names Should Be    ${second}    act

Tasks Of A Dead Worker Are Claimed By Another
    [Documentation]    At least once: the unfinished tasks of a worker that died are claimed by another; none is lost.
    Publish Tasks    tasks-44    workers    plan    act    report
    Worker Takes Tasks    tasks-44    workers    agent-a    3
    Wait Until Tasks Of Worker Are Idle    tasks-44    workers    agent-a    100 ms
    ${claimed}    Worker Claims Idle Tasks    tasks-44    workers    agent-b    100 ms    3
    Task Names Should Be    ${claimed}    plan    act    report
    Worker Finishes Tasks    tasks-44    workers    ${claimed}
    Get Unfinished Task Count    tasks-44    workers    ==    0
    Get Published Task Count    tasks-44    ==    3

Each Task Goes To One Worker Of The Group
    [Documentation]    A task delivered to one worker of a group is not delivered to another.
    Publish Tasks    tasks-45    workers    plan    act
    Worker Takes Tasks    tasks-45    workers    agent-a    2
    Worker Takes Tasks    tasks-45    workers    agent-b    0
