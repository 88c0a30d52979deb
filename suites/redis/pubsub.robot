*** Settings ***
Documentation     Published events reach subscribers; a missing event fails after its timeout.

Resource          keywords/redis.resource

Suite Setup       Run Keywords    Open Redis Suite    AND    Connect An Observer
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Published Event Reaches The Subscriber
    [Documentation]    A published event reaches the subscribed connection.
    Subscribe To Redis Channels    events:50    alias=observer
    ${receivers}    Publish Redis Message    events:50    task-done
    Should Be Equal    ${receivers}    ${1}
    ${message}    Wait For Redis Message    events:50    timeout=2 s    alias=observer
    Should Be Equal    ${message}    task-done

Events Of Two Channels Are Not Mixed Up
    [Documentation]    Each wait returns the event of its own channel, whatever the order.
    Subscribe To Redis Channels    events:51:a    events:51:b    alias=observer
    Publish Redis Message    events:51:b    from-b
    Publish Redis Message    events:51:a    from-a
    ${a}    Wait For Redis Message    events:51:a    timeout=2 s    alias=observer
    ${b}    Wait For Redis Message    events:51:b    timeout=2 s    alias=observer
    Should Be Equal    ${a}:${b}    from-a:from-b

Missing Event Fails After Its Timeout
    [Documentation]    Waiting for an event that never comes fails after the timeout, naming the channel.
    Subscribe To Redis Channels    events:52    alias=observer
    Run Keyword And Expect Error    No message arrived on channel 'events:52' within 300ms.
    ...    Wait For Redis Message    events:52    timeout=300 ms    alias=observer
