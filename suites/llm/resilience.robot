*** Settings ***
Documentation     Timeouts, rate limits and server errors, produced on demand by the emulator: the SDKs retry
...               what they should, honour retry-after, and what cannot be saved fails with one clear line.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm    emulator


*** Test Cases ***
OpenAI Answer Slower Than The Timeout
    [Documentation]    An answer held back longer than the timeout fails as a timeout.
    [Tags]    openai
    Slow Answer Should Time Out    openai

Anthropic Answer Slower Than The Timeout
    [Documentation]    An answer held back longer than the timeout fails as a timeout.
    [Tags]    anthropic
    Slow Answer Should Time Out    anthropic

OpenAI Rate Limit Honours Retry-After
    [Documentation]    Two 429s with retry-after 1 s: the SDK waits each time and the third request succeeds.
    [Tags]    openai
    Rate Limit Should Be Retried After The Wait Asked For    openai

Anthropic Rate Limit Honours Retry-After
    [Documentation]    Two 429s with retry-after 1 s: the SDK waits each time and the third request succeeds.
    [Tags]    anthropic
    Rate Limit Should Be Retried After The Wait Asked For    anthropic

OpenAI Server Error Is Retried
    [Documentation]    One 500 is retried and the answer arrives.
    [Tags]    openai
    Server Error Should Be Retried    openai    500

Anthropic Overload Is Retried
    [Documentation]    One 529 (overloaded) is retried and the answer arrives.
    [Tags]    anthropic
    Server Error Should Be Retried    anthropic    529

OpenAI Retries Exhausted
    [Documentation]    503 on every try: after three requests one failure names provider, model, status and request id.
    [Tags]    openai
    Exhausted Retries Should Fail Clearly    openai    503    OpenAI

Anthropic Retries Exhausted
    [Documentation]    529 on every try: after three requests one failure names provider, model, status and request id.
    [Tags]    anthropic
    Exhausted Retries Should Fail Clearly    anthropic    529    Anthropic

A Bad Request Is Not Retried
    [Documentation]    A 400 fails at once with the provider's message and is sent only once.
    [Tags]    openai
    LLM Will Fail    400    message=Unsupported parameter.    alias=openai
    Run Keyword And Expect Error    *failed: status 400 (BadRequestError: Unsupported parameter.)*
    ...    Ask LLM    Hello    alias=openai
    Get LLM Request Count    ==    1    alias=openai
