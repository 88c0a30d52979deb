*** Settings ***
Documentation     Agent state persists as strings, hashes, JSON documents and counters, with TTLs in ms and s.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Agent Status Is Stored And Read Back
    [Documentation]    A string value is stored and returned as text.
    Store Agent Status    7    running
    ${status}    Get Redis Value    agent:7:status
    Should Be Equal    ${status}    running

Agent Status Stored With A Lease Expires
    [Documentation]    A status stored with a TTL is there until the lease runs out, then gone.
    Store Agent Status    16    running    ttl=300 ms
    Agent Status Should Be    16    running
    Agent Status Should Expire    16
    Redis Key Should Not Exist    agent:16:status

Agent Record Is Stored As A Hash
    [Documentation]    A hash keeps each field, read one by one or as a dictionary.
    Set Hash Fields    agent:8    status=waiting    step=3    model=gpt-4o-mini
    Get Hash Field    agent:8    status    ==    waiting
    Get Hash    agent:8    validate    value == {'status': 'waiting', 'step': '3', 'model': 'gpt-4o-mini'}

Agent Plan Round-Trips As A JSON Document
    [Documentation]    A dictionary stored as JSON comes back as an equal dictionary with its types.
    VAR    &{plan}    goal=summarise    steps=${3}    done=${False}
    Set JSON Document    agent:9:plan    ${plan}
    ${stored}    Get JSON Document    agent:9:plan    ==    ${plan}
    Should Be Equal    ${stored}[steps]    ${3}

Step Counter Counts Up And Down
    [Documentation]    A counter starts at 0 and adds positive and negative amounts.
    Increment Redis Counter    agent:10:steps
    Increment Redis Counter    agent:10:steps    5
    Increment Redis Counter    agent:10:steps    -2
    Get Redis Counter    agent:10:steps    ==    4

Heartbeat Expires After Its Millisecond TTL
    [Documentation]    A key with a TTL in milliseconds expires after it.
    Set Redis Value    agent:11:heartbeat    alive    ttl=300 ms
    Get TTL    agent:11:heartbeat    <=    300 ms
    Wait Until Redis Key Expires    agent:11:heartbeat    timeout=5 s
    Redis Key Should Not Exist    agent:11:heartbeat

Session TTL Is Set In Seconds
    [Documentation]    A TTL set in seconds reads back in seconds.
    Set Redis Value    session:12    open
    Set Redis TTL    session:12    10 s
    Get TTL    session:12    >    9 s
    Get TTL    session:12    <=    10 s

Removed TTL Makes A Key Persistent
    [Documentation]    A key whose TTL was removed never expires.
    Set Redis Value    session:13    open    ttl=1 min
    Remove Redis TTL    session:13
    ${left}    Get TTL    session:13
    Should Be Equal    ${left}    ${None}

Check Polls Until The Lease Is Gone
    [Documentation]    A check with retry_timeout polls until the state changes, with no fixed pause.
    Set Redis Value    agent:14:lease    held    ttl=200 ms
    Redis Key Should Not Exist    agent:14:lease    retry_timeout=5 s

Existing Value Is Kept When Written Only If Absent
    [Documentation]    Writing only if absent leaves an existing value alone and says so.
    Set Redis Value    job:15:owner    agent-a
    ${written}    Set Redis Value    job:15:owner    agent-b    only_if_absent=True
    Should Not Be True    ${written}
    Get Redis Value    job:15:owner    ==    agent-a
