*** Settings ***
Documentation     RedisLibrary's pipelines, Lua scripts and optimistic updates: what they return and report.

Resource          keywords/redis.resource

Suite Setup       Run Keywords    Open Redis Suite    AND    Connect An Observer
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Pipeline Returns Every Result In Order
    [Documentation]    A pipeline sends queued writes at once and returns each result in order.
    Start Redis Pipeline
    Set Redis Value    agent:20:status    running
    Increment Redis Counter    agents:running
    Set Hash Fields    agent:20    step=1
    ${results}    Execute Redis Pipeline
    Should Be Equal    ${results}    ${{[True, 1, 1]}}

Lua Script Claims A Job Only Once
    [Documentation]    A Lua script with namespaced keys claims a job atomically, once.
    Register Redis Script    claim    return redis.call('SET', KEYS[1], ARGV[1], 'NX') and 1 or 0
    ${first}    Run Redis Script    claim    agent-a    keys=${{['job:24:owner']}}
    ${second}    Run Redis Script    claim    agent-b    keys=${{['job:24:owner']}}
    Should Be Equal    ${{[$first, $second]}}    ${{[1, 0]}}
    Get Redis Value    job:24:owner    ==    agent-a    alias=observer

Uncontended Optimistic Update Needs No Retry
    [Documentation]    An optimistic update nobody competes with succeeds at once and reports zero retries.
    Set Redis Value    budget:31    500
    ${result}    Update Redis Value Optimistically    budget:31    int(value) - 120
    Should Be Equal    ${result}[retries]    ${0}
    Get Redis Counter    budget:31    ==    380

Optimistic Update Of A Missing Key Starts From Nothing
    [Documentation]    An optimistic update of a missing key sees no value and creates it.
    Update Redis Value Optimistically    budget:32    int(value or 0) + 7
    Get Redis Counter    budget:32    ==    7

Concurrent Optimistic Updates Report Every Update
    [Documentation]    The report of concurrent optimistic updates counts every update that was applied.
    ${result}    Run Concurrent Optimistic Updates    jobs:30:done    int(value or 0) + 1
    ...    workers=2    updates_per_worker=5
    Should Be Equal    ${result}[updates]    ${10}
