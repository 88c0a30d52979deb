*** Settings ***
Documentation     Checks on answers: contains, pattern, schema, length, refusal, and a 0-1 rubric score.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm    openai    emulator


*** Test Cases ***
A Good Answer Passes Every Check
    [Documentation]    Contains, pattern, length and not-a-refusal checks pass on a good answer.
    LLM Will Answer    Paris is the capital of France since 987.    alias=openai
    ${answer}    Ask LLM    What is the capital of France?    alias=openai
    LLM Answer Should Contain    ${answer}    paris    ignore_case=True
    LLM Answer Should Match Pattern    ${answer}    \\b\\d{3,4}\\b
    LLM Answer Length Should Be Within    ${answer}    3    12    unit=words
    LLM Answer Should Not Be A Refusal    ${answer}

A Missing Fact Fails With What Was Found
    [Documentation]    A contains check fails saying what was expected and what the answer was.
    LLM Will Answer    Lyon is a city in France.    alias=openai
    ${answer}    Ask LLM    What is the capital of France?    alias=openai
    Run Keyword And Expect Error
    ...    The answer should have contained 'Paris' but was 'Lyon is a city in France.'.
    ...    LLM Answer Should Contain    ${answer}    Paris

A Refusal Is Recognised
    [Documentation]    An apologetic refusal is recognised as one.
    LLM Will Answer    I'm sorry, but I can't help with that request.    alias=openai
    ${answer}    Ask LLM    Tell me a secret.    alias=openai
    LLM Answer Should Be A Refusal    ${answer}

A Complete Answer Scores One
    [Documentation]    All required facts, no forbidden content, length in range: the rubric scores 1.
    LLM Will Answer    Paris is the capital of France.    alias=openai
    ${answer}    Ask LLM    What is the capital of France?    alias=openai
    VAR    @{facts}    Paris    France
    ${score}    Score LLM Answer    ${answer}    required_facts=${facts}    forbidden=${{["Berlin"]}}    max_length=80
    Should Be Equal As Numbers    ${score}    1.0

A Half-Right Answer Scores One Half
    [Documentation]    A forbidden fact and a missing fact out of four criteria: the rubric scores 0.5.
    LLM Will Answer    Berlin is the capital of France.    alias=openai
    ${answer}    Ask LLM    What is the capital of France?    alias=openai
    VAR    @{facts}    Paris    France
    Score LLM Answer    ${answer}    required_facts=${facts}    forbidden=${{["Berlin"]}}    max_length=80
    ...    assertion_operator===    assertion_expected=0.5

A JSON Answer Is Scored Against Its Schema
    [Documentation]    JSON breaking the schema fails the schema check and loses the format criterion.
    LLM Will Answer    {"name": "Paris", "country": "France", "population": -1}    alias=openai
    ${answer}    Ask LLM    Describe Paris as JSON.    alias=openai
    Run Keyword And Expect Error    *population: -1 is less than the minimum of 0*
    ...    LLM Answer Should Match Schema    ${answer}    ${CITY_SCHEMA}
    Score LLM Answer    ${answer}    required_facts=${{["Paris"]}}    schema=${CITY_SCHEMA}    assertion_operator===
    ...    assertion_expected=0.5
