*** Settings ***
Documentation     Events of a run reach the agents that follow it, and each follower gets every run's events on
...               that run's own channel, whatever order they were published in.

Resource          keywords/redis.resource

Suite Setup       Run Keywords    Open Redis Suite    AND    Connect An Observer
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Run Event Reaches Its Follower
    [Documentation]    An event published on a run's channel reaches the agent following that run.
    Another Agent Follows Run Events    run-50
    ${followers}    Publish Run Event    run-50    step-done
    Should Be Equal    ${followers}    ${1}
    Another Agent Should Receive Run Event    run-50    step-done

Events Of Two Runs Are Not Mixed Up
    [Documentation]    Each run's event arrives on that run's channel, whatever the order of publishing.
    Another Agent Follows Run Events    run-51a    run-51b
    Publish Run Event    run-51b    from-b
    Publish Run Event    run-51a    from-a
    Another Agent Should Receive Run Event    run-51a    from-a
    Another Agent Should Receive Run Event    run-51b    from-b
