*** Settings ***
Documentation     A worker SIGKILLed in the middle of a step, twenty times over: every run still ends (it succeeds
...               where the system resumes killed work, else it fails with a reason), no step is applied twice,
...               and no run is lost or left running.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite    workers=3
Suite Teardown    Close Agent System Suite
Test Template     Run Survives A Worker Killed Mid-Step

Test Tags         orchestration    crash    needs:kill_worker


*** Test Cases ***
Kill 1    1
Kill 2    2
Kill 3    3
Kill 4    4
Kill 5    5
Kill 6    6
Kill 7    7
Kill 8    8
Kill 9    9
Kill 10    10
Kill 11    11
Kill 12    12
Kill 13    13
Kill 14    14
Kill 15    15
Kill 16    16
Kill 17    17
Kill 18    18
Kill 19    19
Kill 20    20


*** Keywords ***
Run Survives A Worker Killed Mid-Step
    [Documentation]    The ``${number}``th run: a worker dies inside a step and a replacement starts.
    [Arguments]    ${number}
    ${run}    Submit Agent Run And Replace Its Worker Mid-Step
    Run Should Outlive Its Killed Worker    ${run}
