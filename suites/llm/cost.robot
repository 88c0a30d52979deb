*** Settings ***
Documentation     Every call is priced from the price table and the calls of a test add up.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm


*** Test Cases ***
OpenAI Call Cost Follows The Price Table
    [Documentation]    Cost = tokens x the price table's rates, with cached tokens priced apart.
    [Tags]    openai
    Ask LLM    Say hello.    alias=openai
    Call Cost Should Follow The Price Table

Anthropic Call Cost Follows The Price Table
    [Documentation]    Cost = tokens x the price table's rates, with cache reads and writes priced apart.
    [Tags]    anthropic
    Ask LLM    Say hello.    alias=anthropic
    Call Cost Should Follow The Price Table

Test Cost Adds Up Its Calls
    [Documentation]    The cost of a test is the sum of its calls on both providers.
    [Tags]    openai    anthropic
    Ask LLM    Say hello.    alias=openai
    ${first}    Get LLM Call Cost
    Ask LLM    Say hello.    alias=anthropic
    ${second}    Get LLM Call Cost
    Get LLM Test Cost    ==    ${{ $first + $second }}
