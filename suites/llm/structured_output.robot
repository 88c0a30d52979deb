*** Settings ***
Documentation     JSON answers that follow a schema, and tool calls, on both providers; broken ones fail clearly.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm


*** Test Cases ***
OpenAI Answers JSON Matching The Schema
    [Documentation]    Structured output comes back as JSON valid against the city schema.
    [Tags]    openai
    Structured Answer Should Match The Schema    openai

Anthropic Answers JSON Matching The Schema
    [Documentation]    Structured output comes back as JSON valid against the city schema.
    [Tags]    anthropic
    Structured Answer Should Match The Schema    anthropic

An Answer That Is Not JSON Fails Clearly
    [Documentation]    Prose where JSON was asked for fails and shows what was sent.
    [Tags]    openai    emulator
    LLM Will Answer    Sorry, here is some prose instead.    alias=openai
    Run Keyword And Expect Error    *should have answered JSON but sent 'Sorry, here is some prose instead.'*
    ...    Ask LLM For JSON    Describe Paris as JSON.    ${CITY_SCHEMA}    alias=openai

JSON Missing A Required Field Fails Clearly
    [Documentation]    JSON that breaks the schema fails and names the violation.
    [Tags]    anthropic    emulator
    LLM Will Answer    {"name": "Paris", "country": "France"}    alias=anthropic
    Run Keyword And Expect Error    *does not match the schema: (root): 'population' is a required property*
    ...    Ask LLM For JSON    Describe Paris as JSON.    ${CITY_SCHEMA}    alias=anthropic

OpenAI Calls The Offered Tool
    [Documentation]    Offered two tools, the model calls the weather tool with a city.
    [Tags]    openai
    Model Should Call The Weather Tool    openai

Anthropic Calls The Offered Tool
    [Documentation]    Offered two tools, the model calls the weather tool with a city.
    [Tags]    anthropic
    Model Should Call The Weather Tool    anthropic

Scripted Tool Call Arguments Arrive Intact
    [Documentation]    A scripted tool call arrives with exactly the scripted arguments.
    [Tags]    openai    emulator
    LLM Will Call Tool    get_weather    {"city": "Paris"}    alias=openai
    ${calls}    Call LLM With Tools    What is the weather in Paris?    ${WEATHER_TOOLS}    alias=openai
    Should Be Equal    ${calls}[0][arguments][city]    Paris

Malformed Tool Arguments Fail Clearly
    [Documentation]    Tool arguments that are not JSON fail and name the tool.
    [Tags]    openai    emulator
    LLM Tool Call Will Be Broken    malformed_arguments    alias=openai
    Run Keyword And Expect Error    *called tool 'get_weather' with arguments that are not valid JSON*
    ...    Call LLM With Tools    What is the weather in Paris?    ${WEATHER_TOOLS}    alias=openai

A Tool That Was Never Offered Fails Clearly
    [Documentation]    A call of a tool that was not offered fails and lists the offered ones.
    [Tags]    anthropic    emulator
    LLM Tool Call Will Be Broken    unknown_tool    alias=anthropic
    Run Keyword And Expect Error    *called tool 'llmock_unknown_tool', which was not offered*
    ...    Call LLM With Tools    What is the weather in Paris?    ${WEATHER_TOOLS}    alias=anthropic
