*** Settings ***
Documentation     The system under test meets each network fault of Redis and the LLM API mid-run: it either recovers
...               (the run succeeds within the bound) or fails cleanly (the run fails within the bound, with the kind
...               of error the fault causes). Either way nothing hangs, no run is lost, no step is applied twice, and
...               PostgreSQL and Redis agree afterwards.
...
...               Each row is tagged with the service it faults (``target:redis``): ``--include target:redis`` runs
...               the Redis rows, while ``--include redis`` stays the Redis suites alone, which need no system.

Resource          keywords/fault_matrix.resource

Suite Setup       Open Fault Matrix Suite
Suite Teardown    Close Agent System Suite
Test Teardown     Remove All Faults
Test Template     Agent Run Meets A Fault

Test Tags         faults    emulator


*** Test Cases ***    FAULT    OUTCOME    BOUND    KIND
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
    The LLM API Connections Are Reset    Run Fails Cleanly    15s    unreachable
LLM Blackhole
    [Tags]    target:llm
    The LLM API Stops Answering    Run Fails Cleanly    15s    timeout
LLM Down Then Up
    [Tags]    target:llm
    The LLM API Goes Down    Run Fails Cleanly Until It Ends    15s    unreachable
LLM Restart
    [Tags]    target:llm
    The LLM API Restarts    Run Recovers    15s
LLM 429 Storm Within Retries
    [Tags]    target:llm
    The LLM API Rate-Limits Twice    Run Recovers    15s
LLM 429 Storm Past Retries
    [Tags]    target:llm
    The LLM API Rate-Limits Past Its Retries    Run Fails Cleanly    15s    rate_limited
LLM 5xx Storm Within Retries
    [Tags]    target:llm
    The LLM API Fails With 503 Twice    Run Recovers    15s
LLM 5xx Storm Past Retries
    [Tags]    target:llm
    The LLM API Fails With 500 Past Its Retries    Run Fails Cleanly    15s    server_error
