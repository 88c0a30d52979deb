*** Settings ***
Documentation     PostgreSQL (the source of truth), Redis (the work queues and a cached copy of each run) and the
...               system's answer agree on every run; a corrupted cached copy is caught and repaired from
...               PostgreSQL; when Redis loses everything, the system rebuilds it and loses nothing.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite
Suite Teardown    Close Agent System Suite

Test Tags         orchestration    consistency    needs:cached_state


*** Test Cases ***
Stores Agree After Runs Finish
    [Documentation]    After ten runs, the cached copy of every run is the stored one and the system's answer.
    ${runs}    Submit Agent Runs Concurrently    10
    Wait Until Agent Runs Finish    ${runs}
    Agent Run State Should Agree Across Services

A Corrupted Cached Result Is Caught And Repaired
    [Documentation]    The cache says a result nobody stored: caught at once, then rewritten from PostgreSQL.
    [Tags]    needs:corrupt_cache
    ${run}    A Finished Run Whose Cache Can Be Corrupted
    Corrupt Cached Result Of Agent Run    ${run}    a result nobody stored
    Copies Of The Run Should Disagree On    ${run}    result
    Agent Run State Should Agree Across Services    ${run}    retry_timeout=10s

A Corrupted Cached Status Is Caught And Repaired
    [Documentation]    The cache says a finished run is still running: caught at once, then repaired.
    [Tags]    needs:corrupt_cache
    ${run}    A Finished Run Whose Cache Can Be Corrupted
    Corrupt Cached Status Of Agent Run    ${run}    running
    Copies Of The Run Should Disagree On    ${run}    status
    Agent Run State Should Agree Across Services    ${run}    retry_timeout=10s

A Deleted Cached Copy Is Caught And Rebuilt
    [Documentation]    The cache lost one run: every field differs at once, then the copy is rebuilt.
    [Tags]    needs:corrupt_cache
    ${run}    A Finished Run Whose Cache Can Be Corrupted
    Delete Cached Copy Of Agent Run    ${run}
    Copies Of The Run Should Disagree On    ${run}    status    step count    result digest    result    finish time
    Agent Run State Should Agree Across Services    ${run}    retry_timeout=10s

A Corrupted Stored Result Is Caught Against The Answer Given At Finish
    [Documentation]    PostgreSQL is edited after the run finished: the answer kept at finish catches it, while
    ...    the cache copies the wrong value (it follows PostgreSQL), so the stores agree again on it.
    [Tags]    needs:corrupt_cache    needs:corrupt_store
    ${run}    A Finished Run Whose Cache Can Be Corrupted    store=${True}
    ${answer_at_finish}    Get Reported Agent Run    ${run}
    Corrupt Stored Result Of Agent Run    ${run}    a result nobody answered
    Copies Of The Run Should Disagree On    ${run}    result digest    result    reported=${answer_at_finish}
    Agent Run State Should Agree Across Services    ${run}    retry_timeout=10s
    Get Agent Run Result    ${run}    ==    a result nobody answered

Runs In Flight Survive The Cache Losing Everything
    [Documentation]    Redis loses every key mid-run: queues and cache are rebuilt from PostgreSQL; nothing lost.
    [Tags]    needs:cache_repair
    Steps Will Be Slow    times=5
    ${runs}    Submit Agent Runs Concurrently    5
    Wait Until An Agent Step Is Running    ${runs}[0]
    Delete Agent System Cache
    Wait Until Agent Runs Finish    ${runs}
    No Agent Run Should Be Lost    ${runs}
    Each Step Should Have Been Applied Once    ${runs}
    Agent Run State Should Agree Across Services    ${runs}    retry_timeout=10s
