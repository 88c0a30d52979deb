*** Settings ***
Documentation     The system under test meets each network fault of each service it depends on, mid-run: it
...               either recovers (the run succeeds within the bound) or fails cleanly (the run fails within the
...               bound, naming the service). Either way nothing hangs, no run is lost, no step is applied twice, and
...               PostgreSQL and Redis agree afterwards.
...
...               Each row is tagged with the service it faults (``target:redis``): ``--include target:redis`` runs
...               the Redis rows, while ``--include redis`` stays the Redis suites alone, which need no system.

Resource          keywords/agent_system.resource
Resource          keywords/faults.resource

Suite Setup       Open Fault Matrix Suite
Suite Teardown    Close Agent System Suite
Test Teardown     Remove All Faults
Test Template     Agent Run Meets A Fault

Test Tags         faults    emulator


*** Test Cases ***    FAULT    OUTCOME    BOUND    REASON
PostgreSQL Latency
    [Tags]    target:postgres
    PostgreSQL Is Slow Throughout    Run Recovers    30s
PostgreSQL Reset
    [Tags]    target:postgres
    PostgreSQL Connections Are Reset Until Noticed    Run Recovers Once It Ends    20s
PostgreSQL Blackhole
    [Tags]    target:postgres
    PostgreSQL Stops Answering Until Noticed    Run Recovers Once It Ends    20s
PostgreSQL Down Then Up
    [Tags]    target:postgres
    PostgreSQL Goes Down Until Noticed    Run Recovers Once It Ends    20s
PostgreSQL Restart
    [Tags]    target:postgres
    PostgreSQL Restarts    Run Recovers    20s
Redis Latency
    [Tags]    target:redis
    Redis Is Slow Throughout    Run Recovers    20s
Redis Reset
    [Tags]    target:redis
    Redis Connections Are Reset Until Noticed    Run Recovers Once It Ends    20s
Redis Blackhole
    [Tags]    target:redis
    Redis Stops Answering Until Noticed    Run Recovers Once It Ends    20s
Redis Down Then Up
    [Tags]    target:redis
    Redis Goes Down Until Noticed    Run Recovers Once It Ends    20s
Redis Restart Keeping Data
    [Tags]    target:redis
    Redis Restarts Keeping Its Data    Run Recovers    20s
Redis Restart Losing Data
    [Tags]    target:redis
    Redis Restarts Losing Its Data    Run Recovers    20s
LLM Latency
    [Tags]    target:llm
    The LLM API Is Slow Throughout    Run Recovers    20s
LLM Reset
    [Tags]    target:llm
    The LLM API Connections Are Reset    Run Fails Cleanly    15s    OpenAI could not be reached
LLM Blackhole
    [Tags]    target:llm
    The LLM API Stops Answering    Run Fails Cleanly    15s    OpenAI did not answer within 1 s
LLM Down Then Up
    [Tags]    target:llm
    The LLM API Goes Down    Run Fails Cleanly Until It Ends    15s    OpenAI could not be reached
LLM Restart
    [Tags]    target:llm
    The LLM API Restarts    Run Recovers    15s
LLM 429 Storm Within Retries
    [Tags]    target:llm
    The LLM API Rate-Limits Twice    Run Recovers    15s
LLM 429 Storm Past Retries
    [Tags]    target:llm
    The LLM API Rate-Limits Past Its Retries    Run Fails Cleanly    15s    OpenAI answered 429
LLM 5xx Storm Within Retries
    [Tags]    target:llm
    The LLM API Fails With 503 Twice    Run Recovers    15s
LLM 5xx Storm Past Retries
    [Tags]    target:llm
    The LLM API Fails With 500 Past Its Retries    Run Fails Cleanly    15s    OpenAI answered 500


*** Keywords ***
Open Fault Matrix Suite
    [Documentation]    Starts this suite's system behind its own fault proxies, on a private Redis, with short
    ...    timeouts: one LLM request may take 1 s, a message left unfinished is delivered again after 1 s, up to
    ...    ten times (an outage must not use up the deliveries of the step it interrupted).
    Set Up Run Services
    Open Suite Namespace
    Connect To The LLM Providers
    Switch LLM    openai
    Start Agent System    visibility_timeout=1s    max_deliveries=10    llm_timeout=1s
    ...    through_fault_proxy=${True}    private_redis=${True}

Agent Run Meets A Fault
    [Documentation]    A one-step run meets ``${fault}`` while its step waits for the LLM, then ends as
    ...    ``${outcome}`` says within ``${bound}``; nothing is lost, applied twice or left disagreeing.
    [Arguments]    ${fault}    ${outcome}    ${bound}    @{reason}
    ${run}    An Agent Run Is Mid-Step
    Run Keyword    ${fault}
    Run Keyword    ${outcome}    ${run}    ${bound}    @{reason}
    No Agent Run Should Be Lost    ${run}
    Each Step Should Have Been Applied Once    ${run}
    Agent Run State Should Agree Across Services    ${run}    retry_timeout=10s

An Agent Run Is Mid-Step
    [Documentation]    Submits a one-step run whose step answer is slow, and returns it once the step runs.
    Agent Plan Will Be    Gather the facts
    Steps Will Be Slow
    ${run}    Submit Agent Run    Report on the incident
    Wait Until An Agent Step Is Running    ${run}    timeout=10s
    RETURN    ${run}

PostgreSQL Is Slow Throughout
    [Documentation]    PostgreSQL answers 150 ms late (twice per health probe), and the system's health shows it
    ...    as degraded.
    PostgreSQL Becomes Slow    150ms
    Get Agent System Health    ==    degraded    retry_timeout=10s

${service:Redis|The LLM API} Is Slow Throughout
    [Documentation]    The service answers 300 ms late, and the system's health shows it as degraded.
    ${service} Becomes Slow    300ms
    Get Agent System Health    ==    degraded    retry_timeout=10s

${service:PostgreSQL|Redis} Connections Are Reset Until Noticed
    [Documentation]    Connections to the service are reset until the system's health reports it down.
    ${service} Connections Are Reset
    Get Agent System Health    ==    down    retry_timeout=10s

${service:PostgreSQL|Redis} Stops Answering Until Noticed
    [Documentation]    The service swallows every request until the system's health reports it down.
    ${service} Stops Answering
    Get Agent System Health    ==    down    retry_timeout=10s

${service:PostgreSQL|Redis} Goes Down Until Noticed
    [Documentation]    The service is down until the system's health reports it down; then it comes back.
    ${service} Goes Down
    Get Agent System Health    ==    down    retry_timeout=10s
    ${service} Comes Back

The LLM API Rate-Limits Twice
    [Documentation]    The next two LLM requests get 429 with retry-after: within the SDK's retries.
    LLM Will Fail    429    times=2    retry_after=100ms

The LLM API Rate-Limits Past Its Retries
    [Documentation]    The next five LLM requests get 429: more than the SDK's retries.
    LLM Will Fail    429    times=5    retry_after=100ms

The LLM API Fails With 503 Twice
    [Documentation]    The next two LLM requests get 503 with retry-after: within the SDK's retries.
    LLM Will Fail    503    times=2    retry_after=100ms

The LLM API Fails With 500 Past Its Retries
    [Documentation]    The next five LLM requests get 500: more than the SDK's retries.
    LLM Will Fail    500    times=5

Run Recovers
    [Documentation]    The run succeeds within ``${bound}`` while the fault lasts; then the fault is removed.
    [Arguments]    ${run}    ${bound}
    Wait Until Agent Run Finishes    ${run}    timeout=${bound}
    Get Agent Run Status    ${run}    ==    succeeded
    Remove All Faults

Run Recovers Once It Ends
    [Documentation]    The fault is removed, and the run then succeeds within ``${bound}``.
    [Arguments]    ${run}    ${bound}
    Remove All Faults
    Wait Until Agent Run Finishes    ${run}    timeout=${bound}
    Get Agent Run Status    ${run}    ==    succeeded

Run Fails Cleanly Until It Ends
    [Documentation]    The run fails within ``${bound}`` naming the service; once the fault is removed, a new run
    ...    succeeds.
    [Arguments]    ${run}    ${bound}    ${reason}
    Run Fails Cleanly    ${run}    ${bound}    ${reason}
    ${next}    An Agent Run Is Mid-Step
    Run Recovers    ${next}    ${bound}

Run Fails Cleanly
    [Documentation]    The run fails within ``${bound}`` with an error containing ``${reason}``; then the fault is
    ...    removed.
    [Arguments]    ${run}    ${bound}    ${reason}
    Wait Until Agent Run Finishes    ${run}    timeout=${bound}
    Get Agent Run Status    ${run}    ==    failed
    Get Agent Run Error    ${run}    contains    ${reason}
    Remove All Faults
