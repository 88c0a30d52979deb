*** Settings ***
Documentation     At rest every dependency of the agent system answers, and the system reports itself ``ok``.

Resource          keywords/health.resource

Suite Setup       Open Health Suite
Suite Teardown    Close Health Suite

Test Tags         health


*** Test Cases ***
Every Service Is Healthy At Rest
    [Documentation]    PostgreSQL, Redis, the LLM endpoint and the system under test all report ``ok``.
    Every Service Should Be Healthy

Probes Report Their Latency
    [Documentation]    Every probe reports a latency; at rest each is below the probe timeout of 2 s (the SLA of a
    ...    health probe: slower counts as ``down``).
    Get Health Latency    PostgreSQL    <    2 s
    Get Health Latency    Redis    <    2 s
    Get Health Latency    Agent System    <    2 s

Auth Service Is Healthy
    [Documentation]    The HTTP service named by ``AUTH_SERVICE_URL`` answers; skipped when it is not set.
    Get Auth Service Health    ==    ok    retry_timeout=${HEALTH_RETRY_TIMEOUT}
