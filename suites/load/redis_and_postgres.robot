*** Settings ***
Documentation     The stores agents share stay fast under concurrent load: Redis SET/GET and PostgreSQL inserts meet
...               their SLA and do not regress from their baselines.

Resource          keywords/load.resource

Suite Setup       Open Load Suite
Suite Teardown    Close Load Suite

Test Tags         load


*** Test Cases ***
Redis Keeps Up With Eight Agents
    [Documentation]    2000 SET/GET pairs, 8 in flight: p95 under 50 ms, no errors, at least 200 per second.
    ${result}    Run Redis Load    operations=2000    concurrency=8
    Load Result Should Meet SLA    ${result}    p95=50 ms    error_rate=0 %    throughput=200/s
    Load Result Should Not Regress    ${result}    redis_set_get

PostgreSQL Keeps Up With Four Agents
    [Documentation]    1000 inserts read back, 4 sessions: p95 under 100 ms, no errors, at least 100 per second.
    ${result}    Run Database Load    operations=1000    concurrency=4
    Load Result Should Meet SLA    ${result}    p95=100 ms    error_rate=0 %    throughput=100/s
    Load Result Should Not Regress    ${result}    postgres_insert_select
