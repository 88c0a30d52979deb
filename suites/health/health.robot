*** Settings ***
Documentation     The agent system's health, as its users would watch it: at rest every dependency answers and the
...               system reports itself ``ok``; it reports ``degraded`` when its Redis is slow, ``down`` when Redis
...               stops answering, and ``ok`` again once the fault is gone, each within a bound. One system, reached
...               through this suite's fault proxies, serves both.

Resource          keywords/health.resource
Resource          keywords/faults.resource

Suite Setup       Open Health Suite Behind Fault Proxies
Suite Teardown    Close Health Suite
Test Setup        Wait Until Agent System Is Healthy    timeout=${HEALTH_RETRY_TIMEOUT}
Test Teardown     Remove All Faults

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
    Get Service Health    Auth Service    ==    ok    retry_timeout=${HEALTH_RETRY_TIMEOUT}

Slow Redis Degrades The System
    [Documentation]    With 400 ms on every Redis answer the system reports ``degraded`` within 10 s.
    [Tags]    faults
    Redis Becomes Slow    400ms
    System Should Report    degraded    within=10 s

Silent Redis Takes The System Down
    [Documentation]    With Redis swallowing every request the system reports ``down`` within 10 s.
    [Tags]    faults
    Redis Stops Answering
    System Should Report    down    within=10 s

System Recovers Once Redis Answers Again
    [Documentation]    After Redis stopped answering and the fault is removed, the system is ``ok`` within 20 s.
    [Tags]    faults
    Redis Stops Answering
    System Should Report    down    within=10 s
    Remove All Faults
    System Should Report    ok    within=20 s
