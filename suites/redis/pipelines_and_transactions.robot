*** Settings ***
Documentation     Multi-step updates are atomic: pipelines, MULTI/EXEC, WATCH and Lua scripts,
...               seen from a second connection.

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

Transaction Is Invisible To Others Until Executed
    [Documentation]    Another connection sees nothing of a transaction until it is executed.
    Start Redis Transaction
    Store Agent Status    21    done
    Agent Status Should Not Be Visible To The Observer    21
    Execute Redis Pipeline
    Agent Status Should Be Visible To The Observer    21    done

Discarded Transaction Writes Nothing
    [Documentation]    A discarded transaction leaves no trace for another connection.
    Start Redis Transaction
    Store Agent Status    22    done
    Discard Redis Pipeline
    Agent Status Should Not Be Visible To The Observer    22

Transaction Aborts When A Watched Key Changed
    [Documentation]    A change by another connection to a watched key aborts the transaction; its change stays.
    Set Redis Value    budget:23    100
    Watch Redis Keys    budget:23
    Another Agent Changes The Budget    budget:23    -30
    Start Redis Transaction
    Set Redis Value    budget:23    90
    Run Keyword And Expect Error    *transaction*aborted*watched key changed*    Execute Redis Pipeline
    Get Redis Counter    budget:23    ==    70    alias=observer

Lua Script Claims A Job Only Once
    [Documentation]    A Lua script with namespaced keys claims a job atomically, once.
    Register Redis Script    claim    return redis.call('SET', KEYS[1], ARGV[1], 'NX') and 1 or 0
    ${first}    Run Redis Script    claim    agent-a    keys=${{['job:24:owner']}}
    ${second}    Run Redis Script    claim    agent-b    keys=${{['job:24:owner']}}
    Should Be Equal    ${{[$first, $second]}}    ${{[1, 0]}}
    Get Redis Value    job:24:owner    ==    agent-a    alias=observer
