*** Settings ***
Documentation     Once the budget is reached, further real calls fail clearly. Real-path calls here go to the
...               emulator with a fake key and spend against a private ledger with a tiny budget, so they never
...               touch the run's own LLM_BUDGET_USD.

Resource          keywords/llm.resource

Suite Setup       Connect With A Tiny Private Budget
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm    emulator


*** Test Cases ***
Budget Stops Further Real Calls
    [Documentation]    Once real spend reaches the budget the next real call fails before it is sent.
    [Tags]    openai
    Connect To The Emulator As A Real Provider    openai
    Ask LLM    Spend a little.    alias=openai-wired
    Run Keyword And Expect Error    LLM budget reached: the run spent $* of LLM_BUDGET_USD=$0.000001*
    ...    Ask LLM    Spend more.    alias=openai-wired

Emulated Calls Do Not Spend The Budget
    [Documentation]    Emulated calls are counted apart and never spend the real budget.
    [Tags]    anthropic
    Skip Unless LLM Emulator    alias=anthropic
    ${before}    Get LLM Run Spend
    Ask LLM    Hello    alias=anthropic
    ${after}    Get LLM Run Spend
    Should Be Equal As Numbers    ${after}[real_usd]    ${before}[real_usd]
    Should Be True    ${after}[emulated_usd] > ${before}[emulated_usd]


*** Keywords ***
Connect With A Tiny Private Budget
    [Documentation]    Connects both providers and gives the suite a fresh ledger with a budget of $0.000001.
    Connect To The LLM Providers
    Use A Private LLM Budget    0.000001
