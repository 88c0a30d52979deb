*** Settings ***
Documentation     RedisLibrary's bounds: a blocking keyword fails after its own timeout naming what it waited
...               for, and a server that stops answering or is gone fails a keyword within its socket timeout.
...               The frozen server is a private one (``Start Private Redis``), never the run's.

Library           libraries.redis_library.testing.StoppableRedis
Resource          keywords/redis.resource

Suite Setup       Run Keywords    Open Redis Suite    AND    Connect An Observer
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Blocking Pop Fails After Its Own Timeout, Not The Socket Timeout
    [Documentation]    A blocking pop on an empty list waits its whole timeout, even past a shorter socket
    ...    timeout, then fails naming the list.
    Connect To Redis    socket_timeout=200 ms    alias=short
    Run Keyword And Expect Error    Redis list 'queue:42' had no item to pop within 500ms.
    ...    Pop From Redis List    queue:42    timeout=500 ms    alias=short
    [Teardown]    Disconnect From Redis    alias=short

Waiting For A Held Lock Fails After Its Bound
    [Documentation]    A waiting acquirer fails after its wait bound naming the holder, while the lock stays held.
    Acquire Redis Lock    lock:63    ttl=10 s    owner=agent-a
    Run Keyword And Expect Error    Redis lock 'lock:63' is held by 'agent-a'; 'agent-b' did not get it within 300ms.
    ...    Acquire Redis Lock    lock:63    timeout=300 ms    owner=agent-b
    Get Redis Lock Owner    lock:63    ==    agent-a

Waiting For A Message Fails After Its Timeout
    [Documentation]    Waiting for a message that never comes fails after the timeout, naming the channel.
    Subscribe To Redis Channels    events:52    alias=observer
    Run Keyword And Expect Error    No message arrived on channel 'events:52' within 300ms.
    ...    Wait For Redis Message    events:52    timeout=300 ms    alias=observer

Command To A Frozen Server Fails Within Its Socket Timeout
    [Documentation]    A server that stops answering fails the next command within its socket timeout.
    ${url}    Start Private Redis
    Connect To Redis From URL    ${url}    socket_timeout=500 ms    alias=frozen
    Set Redis Value    probe    1    alias=frozen
    Make Private Redis Stop Answering
    ${error}    Keyword Should Fail Within    5 s    Get Redis Value    probe    alias=frozen
    Should Contain    ${error}    did not answer GET on key 'probe' within socket_timeout=0.5 s
    [Teardown]    Remove The Redis That Stopped Answering

Connecting To A Frozen Server Fails Within Its Socket Timeout
    [Documentation]    Connecting to a server that accepts connections but never answers fails at its PING.
    ${url}    Start Private Redis
    Make Private Redis Stop Answering
    ${error}    Keyword Should Fail Within    5 s    Connect To Redis From URL    ${url}
    ...    socket_timeout=500 ms    socket_connect_timeout=500 ms    alias=frozen
    Should Contain    ${error}    did not answer PING within socket_timeout=0.5 s
    [Teardown]    Remove The Redis That Stopped Answering

Connecting To A Stopped Server Fails At Once Naming Its URL
    [Documentation]    Nobody listens on the port any more: connecting fails at once and names the URL.
    ${url}    Start Private Redis
    Stop Private Redis
    Run Keyword And Expect Error    Cannot connect to Redis at ${url} (connection 'gone'): *
    ...    Connect To Redis From URL    ${url}    socket_connect_timeout=1 s    alias=gone


*** Keywords ***
Remove The Redis That Stopped Answering
    [Documentation]    Closes the ``frozen`` connection and stops the private server. Safe in a teardown.
    Disconnect From Redis    alias=frozen
    Stop Private Redis
