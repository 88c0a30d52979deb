*** Settings ***
Documentation     RedisLibrary's failures name the key, the expectation and the fix.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Missing Key Fails Naming The Key And The Expectation
    [Documentation]    A missing key fails with its name and what was expected.
    Run Keyword And Expect Error    Redis key 'agent:70:status' does not exist (expected == 'running').
    ...    Get Redis Value    agent:70:status    ==    running

Wrong Type Fails Naming The Key And Both Types
    [Documentation]    Reading a hash as a string fails naming the key and both types.
    Set Hash Fields    agent:71    status=running
    Run Keyword And Expect Error    Redis key 'agent:71' holds a hash, but GET expects a string.
    ...    Get Redis Value    agent:71

Failed Assertion Shows Expected And Found Values
    [Documentation]    An inline assertion failure shows the key, the value found and the value expected.
    Set Redis Value    agent:72:status    idle
    Run Keyword And Expect Error    Redis key 'agent:72:status' 'idle' (str) should be 'running' (str)
    ...    Get Redis Value    agent:72:status    ==    running

Custom Message Replaces The Failure Text
    [Documentation]    The optional message replaces the failure text.
    Set Redis Value    agent:73:status    idle
    Run Keyword And Expect Error    Agent 73 never started
    ...    Get Redis Value    agent:73:status    ==    running    Agent 73 never started

Unknown Connection Alias Fails With The Fix
    [Documentation]    An alias that was never connected fails and says how to fix it.
    Run Keyword And Expect Error
    ...    No Redis connection with alias 'nowhere' (open: default). Run Connect To Redis first.
    ...    Get Redis Value
    ...    agent:74:status
    ...    alias=nowhere

URL With Another Scheme Is Refused
    [Documentation]    A URL that is not redis:// fails at once and names the schemes that work.
    Run Keyword And Expect Error
    ...    Redis url must start with redis://, rediss:// or unix://, got 'http://cache.test:6379'.
    ...    Connect To Redis From URL
    ...    http://cache.test:6379
    ...    alias=wrong

Key That Never Expires Fails A TTL Assertion Saying So
    [Documentation]    A TTL assertion on a key without a TTL fails saying it never expires; without an operator
    ...    the getter returns ``None``.
    Set Redis Value    session:75    open
    Run Keyword And Expect Error    Redis key 'session:75' never expires (expected <= '10 s').
    ...    Get TTL    session:75    <=    10 s
    ${left}    Get TTL    session:75
    Should Be Equal    ${left}    ${None}
