*** Settings ***
Documentation     Checks on answers: contents, pattern, length, refusal, and a 0-1 rubric score.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm    openai    emulator


*** Test Cases ***
A Good Answer Passes Every Check
    [Documentation]    Contains, pattern, length and not-a-refusal checks pass on a good answer.
    LLM Will Answer    Paris is the capital of France since 987.    alias=openai
    ${answer}    Ask LLM    What is the capital of France?    alias=openai
    Get Last LLM Answer    contains    Paris
    Get Last LLM Answer    matches    \\b\\d{3,4}\\b
    LLM Answer Length Should Be Within    ${answer}    3    12    unit=words
    LLM Answer Should Not Be A Refusal    ${answer}

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
    [Documentation]    JSON breaking the schema loses the format criterion: the rubric scores 0.5.
    LLM Will Answer    {"name": "Paris", "country": "France", "population": -1}    alias=openai
    ${answer}    Ask LLM    Describe Paris as JSON.    alias=openai
    Score LLM Answer    ${answer}    required_facts=${{["Paris"]}}    schema=${CITY_SCHEMA}    assertion_operator===
    ...    assertion_expected=0.5
