*** Settings ***
Documentation     WATCH-based optimistic updates under contention lose no update and report their retries.

Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Close Redis Suite

Test Tags         redis


*** Test Cases ***
Concurrent Optimistic Updates Lose Nothing
    [Documentation]    Four workers incrementing one counter with WATCH/MULTI/EXEC lose no update.
    Set Redis Value    jobs:30:done    0
    ${result}    Run Concurrent Optimistic Updates    jobs:30:done    int(value) + 1
    ...    workers=4    updates_per_worker=25
    Should Be Equal    ${result}[updates]    ${100}
    Get Redis Counter    jobs:30:done    ==    100

Uncontended Update Needs No Retry
    [Documentation]    An optimistic update nobody competes with succeeds at once and reports zero retries.
    Set Redis Value    budget:31    500
    ${result}    Update Redis Value Optimistically    budget:31    int(value) - 120
    Should Be Equal    ${result}[retries]    ${0}
    Get Redis Counter    budget:31    ==    380

Update Of A Missing Key Starts From Nothing
    [Documentation]    An optimistic update of a missing key sees no value and creates it.
    Update Redis Value Optimistically    budget:32    int(value or 0) + 7
    Get Redis Counter    budget:32    ==    7
