*** Settings ***
Documentation     The system under test reports its own health as its Redis changes: ``degraded`` when Redis is
...               slow, ``down`` when it stops answering, ``ok`` again once the fault is gone, each within a bound.

Resource          keywords/health.resource
Resource          keywords/faults.resource

Suite Setup       Open Health Suite Behind Fault Proxies
Suite Teardown    Close Health Suite
Test Setup        Wait Until Agent System Is Healthy    retry_timeout=${HEALTH_RETRY_TIMEOUT}
Test Teardown     Remove All Faults

Test Tags         health    faults


*** Test Cases ***
Slow Redis Degrades The System
    [Documentation]    With 400 ms on every Redis answer the system reports ``degraded`` within 10 s.
    Redis Becomes Slow    400ms
    System Should Report    degraded    within=10 s

Silent Redis Takes The System Down
    [Documentation]    With Redis swallowing every request the system reports ``down`` within 10 s.
    Redis Stops Answering
    System Should Report    down    within=10 s

System Recovers Once Redis Answers Again
    [Documentation]    After Redis stopped answering and the fault is removed, the system is ``ok`` within 20 s.
    Redis Stops Answering
    System Should Report    down    within=10 s
    Remove All Faults
    System Should Report    ok    within=20 s
