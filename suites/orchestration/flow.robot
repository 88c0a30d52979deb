*** Settings ***
Documentation     A goal becomes a plan, steps and a final answer, on OpenAI and on Anthropic; what it cost is
...               recorded; runs can be cancelled and a passed deadline fails them.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite    workers=1
Suite Teardown    Close Agent System Suite

Test Tags         orchestration    flow


*** Test Cases ***
OpenAI Goal Becomes Plan, Steps And Final Answer
    [Documentation]    A planned run on OpenAI: three steps (one with the calculator) and a final answer.
    [Tags]    openai    needs:scripted_plan
    Agent Plan Will Be    Find the numbers    Add them up | calculator: 2 + 3 * 4    Check the sum
    ${run}    Submit Agent Run    Add up the quarterly figures    openai
    Run Should Succeed    ${run}
    Get Agent Run Step Count    ${run}    ==    3
    Get Agent Run Result    ${run}    should not be    ${None}

Anthropic Goal Becomes Plan, Steps And Final Answer
    [Documentation]    The same on Anthropic: two planned steps and a final answer.
    [Tags]    anthropic    needs:scripted_plan    needs:providers
    Agent Plan Will Be    Read the brief    Draft the reply    provider=anthropic
    ${run}    Submit Agent Run    Answer the customer    anthropic
    Run Should Succeed    ${run}
    Get Agent Run Step Count    ${run}    ==    2

Final Answer Is The Run's Result
    [Documentation]    The aggregation step's answer, scripted after the plan, is what the run returns.
    [Tags]    needs:scripted_plan
    Agent Plan Will Be    Gather the facts
    Agent Final Answer Will Be    The outage was caused by DNS.
    ${run}    Submit Agent Run    Report on the incident
    Run Should Succeed    ${run}
    Get Agent Run Result    ${run}    ==    The outage was caused by DNS.

Run Records Its Tokens And Cost
    [Documentation]    Every LLM call of a run is counted in tokens and priced.
    [Tags]    needs:usage
    ${run}    Submit Agent Run    Summarise the meeting notes
    Run Should Succeed    ${run}
    Get Agent Run Tokens    ${run}    >    0
    Get Agent Run Cost    ${run}    >    0

Cancelled Run Ends Cancelled With Nothing Applied
    [Documentation]    A run cancelled before its steps ran ends cancelled, saying so.
    [Tags]    needs:cancel
    Steps Will Be Slow
    ${run}    Submit Agent Run    Write a long essay
    Cancel Agent Run    ${run}
    Wait Until Agent Run Finishes    ${run}
    Get Agent Run Status    ${run}    ==    cancelled
    Get Agent Run Error Kind    ${run}    ==    cancelled

Passed Deadline Fails The Run With That Reason
    [Documentation]    A run whose planner is slower than its deadline fails naming the deadline.
    [Tags]    needs:deadline
    LLM Will Answer Slowly    3s
    ${run}    Submit Agent Run    Plan the launch    deadline=1s
    Run Should Fail With    ${run}    deadline
