*** Settings ***
Documentation     LLMLibrary's failures name what was expected and what was found; refused calls say why and how to
...               fix it. The emulator plays every provider here.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm    emulator


*** Test Cases ***
Missing Text Fails Naming The Answer And The Expectation
    [Documentation]    The getter's ``contains`` fails with the answer found and the text expected.
    [Tags]    openai
    LLM Will Answer    Lyon is a city in France.    alias=openai
    Ask LLM    What is the capital of France?    alias=openai
    Run Keyword And Expect Error    LLM answer 'Lyon is a city in France.' (str) should contain 'Paris' (str)
    ...    Get Last LLM Answer    contains    Paris

Custom Message Replaces The Failure Text
    [Documentation]    The optional message replaces the failure text of a getter.
    [Tags]    openai
    LLM Will Answer    Lyon is a city in France.    alias=openai
    Ask LLM    What is the capital of France?    alias=openai
    Run Keyword And Expect Error    The assistant forgot the capital
    ...    Get Last LLM Answer    contains    Paris    The assistant forgot the capital

JSON Breaking The Schema Fails Naming The Field
    [Documentation]    A schema check fails naming the field, its value and the rule it breaks.
    [Tags]    openai
    LLM Will Answer    {"name": "Paris", "country": "France", "population": -1}    alias=openai
    ${answer}    Ask LLM    Describe Paris as JSON.    alias=openai
    Run Keyword And Expect Error    *population: -1 is less than the minimum of 0*
    ...    LLM Answer Should Match Schema    ${answer}    ${CITY_SCHEMA}

Deprecated Answer Checks Keep Their Messages
    [Documentation]    The deprecated ``LLM Answer Should …`` checks still fail as they always did.
    [Tags]    openai
    LLM Will Answer    Lyon is a city in France.    alias=openai
    ${answer}    Ask LLM    What is the capital of France?    alias=openai
    Run Keyword And Expect Error    The answer should have contained 'Paris' but was 'Lyon is a city in France.'.
    ...    LLM Answer Should Contain    ${answer}    Paris
    Run Keyword And Expect Error    The answer should have matched /\\d+/ but was 'Lyon is a city in France.'.
    ...    LLM Answer Should Match Pattern    ${answer}    \\d+

An Unrecorded Request Fails In Replay
    [Documentation]    In replay, a request that was never recorded fails naming the cassette.
    [Tags]    openai
    Start LLM Cassette    ${OUTPUT_DIR}/cassettes/one-question.yaml    mode=record
    Ask LLM    The recorded question    alias=openai
    Start LLM Cassette    ${OUTPUT_DIR}/cassettes/one-question.yaml    mode=replay
    Run Keyword And Expect Error    *has no recorded answer in cassette *one-question.yaml*
    ...    Ask LLM    Another question    alias=openai
    [Teardown]    Stop LLM Cassette

Real Calls To An Unpriced Model Are Refused
    [Documentation]    A real call to a model missing from the price table fails before it is sent.
    [Tags]    anthropic
    Use A Private LLM Budget    1
    Connect To The Emulator As A Real Provider    anthropic    model=claude-unlisted-model
    Run Keyword And Expect Error    No price for model 'claude-unlisted-model' in *prices.csv: add a row*
    ...    Ask LLM    Hello    alias=anthropic-wired
