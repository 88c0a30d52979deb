*** Settings ***
Documentation     RedisLibrary's server figures: PING latency, version, memory, connected clients and INFO sections.

Resource          keywords/redis.resource

Suite Setup       Run Keywords    Open Redis Suite    AND    Connect An Observer
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Server Answers PING Within The Socket Timeout
    [Documentation]    PING latency is measured and below the socket timeout.
    Get Redis Ping Latency    >    0
    Get Redis Ping Latency    <    5 s

Server Reports Its Version
    [Documentation]    The server version is reported from INFO.
    Get Redis Server Version    matches    ^\\d+\\.\\d+\\.\\d+$

Server Reports Memory And Connected Clients
    [Documentation]    Memory use and connected clients (this suite has two connections) are reported.
    Get Redis Memory Usage    >    0
    Get Redis Connected Clients    >=    2

Server Info Section Is A Dictionary
    [Documentation]    One INFO section comes back as a dictionary of its fields.
    ${memory}    Get Redis Info    memory
    Should Contain    ${memory}    used_memory
