*** Settings ***
Documentation     RedisLibrary's failures name the key, the expectation and the fix; a server that stops
...               answering fails a keyword within its socket timeout.

Library           libraries.redis_library.RedisLibrary
Library           libraries.redis_library.testing.StoppableRedis
Resource          keywords/services.resource

Suite Setup       Open Suite Namespace And Connect
Suite Teardown    Disconnect And Close Suite Namespace

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

Redis That Stops Answering Fails Within Its Socket Timeout
    [Documentation]    A server that stops answering fails the next command within its socket timeout.
    Start A Redis That Will Stop Answering    socket_timeout=500 ms
    Set Redis Value    probe    1    alias=frozen
    Make Private Redis Stop Answering
    ${error}    Keyword Should Fail Within    5 s    Get Redis Value    probe    alias=frozen
    Should Contain    ${error}    did not answer GET on key 'probe' within socket_timeout=0.5 s
    [Teardown]    Remove The Redis That Stopped Answering


*** Keywords ***
Open Suite Namespace And Connect
    [Documentation]    Opens the suite's own namespace, then connects to the run's Redis as ``default``.
    Open Suite Namespace
    Connect To Redis

Disconnect And Close Suite Namespace
    [Documentation]    Disconnects every Redis connection, then drops the suite's namespace and its keys.
    Disconnect From All Redis
    Close Suite Namespace

Start A Redis That Will Stop Answering
    [Documentation]    Starts a private Redis server (never the run's) and connects to it as ``frozen`` with the
    ...    given ``${socket_timeout}``.
    [Arguments]    ${socket_timeout}
    ${url}    Start Private Redis
    Connect To Redis From URL    ${url}    socket_timeout=${socket_timeout}    alias=frozen

Remove The Redis That Stopped Answering
    [Documentation]    Closes the ``frozen`` connection and stops the private server. Safe in a teardown.
    Disconnect From Redis    alias=frozen
    Stop Private Redis
