*** Settings ***
Documentation     RedisLibrary's getters and checks as a test calls them: checks poll with ``retry_timeout``
...               instead of sleeping and fail naming what they last saw; getters pass any AssertionEngine operator on.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Check Polls Until The Key Is Gone
    [Documentation]    A check with ``retry_timeout`` polls until the state changes, with no fixed pause.
    Set Redis Value    agent:14:lease    held    ttl=200 ms
    Redis Key Should Not Exist    agent:14:lease    retry_timeout=5 s

Check Fails After Its Retry Timeout
    [Documentation]    A check that never holds fails once ``retry_timeout`` has passed, saying what it expected.
    Run Keyword And Expect Error    GLOB:Redis key 'agent:15:lease' does not exist, but it should exist. (waited *)
    ...    Redis Key Should Exist    agent:15:lease    retry_timeout=100 ms

Getter Validates A Python Expression
    [Documentation]    ``validate`` runs a Python expression about ``value``, here the whole hash as a dictionary,
    ...    and fails quoting the value and the expression.
    Set Hash Fields    agent:8    status=waiting    step=3
    Get Hash    agent:8    validate    value == {'status': 'waiting', 'step': '3'}
    VAR    ${found}    '{'status': 'waiting', 'step': '3'}' (dict)
    Run Keyword And Expect Error
    ...    EQUALS:Redis hash 'agent:8' ${found} should validate to true with "value['status'] == 'running'" (str)
    ...    Get Hash    agent:8    validate    value['status'] == 'running'

Written Only If Absent Keeps The Existing Value
    [Documentation]    ``only_if_absent`` leaves an existing value alone and returns ``False``.
    Set Redis Value    job:16:owner    agent-a
    ${written}    Set Redis Value    job:16:owner    agent-b    only_if_absent=True
    Should Not Be True    ${written}
    Get Redis Value    job:16:owner    ==    agent-a

Lengths Of A List And A Stream Are Counted And Asserted
    [Documentation]    The length getters count what is there (0 for a missing key) and fail naming the key.
    Push To Redis List    queue:length    job-1    job-2
    Add To Redis Stream    stream:length    task=one
    Get Redis List Length    queue:length    ==    2
    Get Redis Stream Length    stream:length    ==    1
    Get Redis List Length    queue:missing    ==    0
    Run Keyword And Expect Error    Length of Redis stream 'stream:length' '1' (int) should be '2' (int)
    ...    Get Redis Stream Length    stream:length    ==    2
