*** Settings ***
Documentation     HealthLibrary's ``Get Service Health``: one getter for every service, named in any case, with the
...               assertion and retry of the kit's other getters; the per-service getters it replaced still answer.
...               The LLM emulator stands in for the optional auth service.

Library           OperatingSystem
Library           libraries.health.HealthLibrary
Resource          keywords/agent_system.resource

Suite Setup       Open Every Service
Suite Teardown    Close Every Service

Test Tags         health


*** Variables ***
${RETRY_TIMEOUT}    10 s


*** Test Cases ***
Every Service Reports Ok By Its Name
    [Documentation]    Each service answers ``ok`` under the names users write; a machine busy with other work may
    ...    show a slow probe as ``degraded`` for a moment, so the assertion polls.
    [Template]    Service Should Be Ok
    postgres
    PostgreSQL
    redis
    llm
    LLM Anthropic
    agent system
    auth service

Getter Without Operator Returns The Status
    [Documentation]    Without an operator the getter probes once and returns one of the three statuses.
    ${status}    Get Service Health    Redis
    Should Contain    ${{ ('ok', 'degraded', 'down') }}    ${status}

Failed Assertion Names The Service And What It Saw
    [Documentation]    A status that never matches fails after the retry timeout, naming the service, the status
    ...    expected and found, and the probe's latency.
    Run Keyword And Expect Error    Health of Redis '*' (str) should be 'down' (str) (Redis * in * ms*) (waited *)
    ...    Get Service Health    Redis    ==    down    retry_timeout=300 ms

Custom Message Replaces The Failure Text
    [Documentation]    The optional message replaces the failure text.
    Run Keyword And Expect Error    Redis should have been down
    ...    Get Service Health    Redis    ==    down    Redis should have been down

Unknown Service Fails Naming The Services
    [Documentation]    A name that is no service fails at once and lists the names that work.
    Run Keyword And Expect Error
    ...    Unknown service 'mongodb': use PostgreSQL (or postgres), Redis, LLM, Agent System or Auth Service.
    ...    Get Service Health    mongodb

Unknown LLM Provider Fails Naming The Providers
    [Documentation]    An LLM endpoint the kit does not know fails at once.
    Run Keyword And Expect Error    Unknown LLM provider 'gemini': use LLM, LLM OpenAI or LLM Anthropic.
    ...    Get Service Health    LLM Gemini

Latency Of A Named Service Is Measured
    [Documentation]    ``Get Health Latency`` takes the same names, the LLM provider included.
    Get Health Latency    postgres    <    2 s
    Get Health Latency    LLM Anthropic    <    2 s

Deprecated Getters Still Answer
    [Documentation]    The getters ``Get Service Health`` replaced still return the status for one release (each
    ...    logs a deprecation warning: tests/health checks its text).
    Get PostgreSQL Health    ==    ok    retry_timeout=${RETRY_TIMEOUT}
    Get Redis Health    ==    ok    retry_timeout=${RETRY_TIMEOUT}
    Get LLM Health    ==    ok    provider=anthropic    retry_timeout=${RETRY_TIMEOUT}
    Get Auth Service Health    ==    ok    retry_timeout=${RETRY_TIMEOUT}


*** Keywords ***
Open Every Service
    [Documentation]    Starts the system under test with one worker and points ``AUTH_SERVICE_URL`` at the LLM
    ...    emulator: any HTTP service that answers will do.
    Open Agent System Suite    workers=1
    ${url}    Get LLM Emulator URL    openai
    Set Environment Variable    AUTH_SERVICE_URL    ${url}

Close Every Service
    [Documentation]    Stops the system under test and unsets ``AUTH_SERVICE_URL`` again.
    Close Agent System Suite
    Remove Environment Variable    AUTH_SERVICE_URL

Service Should Be Ok
    [Documentation]    ``Get Service Health`` of ``${service}`` becomes ``ok`` within ``${RETRY_TIMEOUT}``.
    [Arguments]    ${service}
    Get Service Health    ${service}    ==    ok    retry_timeout=${RETRY_TIMEOUT}
