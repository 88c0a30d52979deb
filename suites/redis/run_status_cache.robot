*** Settings ***
Documentation     The cache of run statuses that agents share: a change made in a transaction is seen by other
...               agents all at once or not at all, and a change based on a status another agent has changed since
...               is refused, so the newer status stays.

Resource          keywords/redis.resource

Suite Setup       Run Keywords    Open Redis Suite    AND    Connect An Observer
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Status Change Is Hidden Until Committed
    [Documentation]    Other agents see nothing of a status change until its transaction is committed.
    Start Cache Transaction
    Cache Run Status    run-21    succeeded
    Other Agents Should See No Run Status    run-21
    Commit Cache Transaction
    Other Agents Should See Run Status    run-21    succeeded

Abandoned Status Change Leaves No Trace
    [Documentation]    A discarded transaction writes nothing other agents could see.
    Start Cache Transaction
    Cache Run Status    run-22    succeeded
    Discard Cache Transaction
    Other Agents Should See No Run Status    run-22

Status Change Based On A Stale Read Is Refused
    [Documentation]    An agent watching a run's status cannot overwrite a change another agent made in between.
    Cache Run Status    run-23    running
    Watch Cached Run Status    run-23
    Another Agent Caches Run Status    run-23    cancelled
    Start Cache Transaction
    Cache Run Status    run-23    succeeded
    Committing Cache Transaction Should Be Refused
    Other Agents Should See Run Status    run-23    cancelled
