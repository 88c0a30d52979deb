*** Settings ***
Documentation     A suite with fault keywords, run on its own: the run brings up Redis and a fault proxy.

Resource          keywords/faults.resource
Resource          keywords/redis.resource

Suite Setup       Open Redis Suite
Suite Teardown    Run Keywords    Remove Fault Proxies    AND    Close Redis Suite
Test Teardown     Remove All Faults


*** Test Cases ***
A Fault Is Active Until The Teardown
    [Documentation]    Latency on the suite's Redis proxy shows as an active fault.
    Create Fault Proxy    redis
    Redis Becomes Slow    200ms
    Get Active Faults    ==    ${{["redis: latency"]}}

The Teardown Removed It
    [Documentation]    After the previous test's teardown the proxy has no fault left.
    Get Active Faults    ==    ${{[]}}
