*** Settings ***
Documentation     Both providers answer through their official SDKs; every call records what it cost and took.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm


*** Test Cases ***
OpenAI Returns The Scripted Answer
    [Documentation]    The emulator's scripted answer comes back through the OpenAI SDK with finish reason stop.
    [Tags]    openai    emulator
    Scripted Answer Should Come Back    openai    stop

Anthropic Returns The Scripted Answer
    [Documentation]    The emulator's scripted answer comes back through the Anthropic SDK with stop reason end_turn.
    [Tags]    anthropic    emulator
    Scripted Answer Should Come Back    anthropic    end_turn

OpenAI Receives The Whole Conversation
    [Documentation]    Every turn of a chat history reaches the model in one request.
    [Tags]    openai    emulator
    Conversation Should Reach The Model    openai

Anthropic Receives The Whole Conversation
    [Documentation]    Every turn of a chat history reaches the model in one request.
    [Tags]    anthropic    emulator
    Conversation Should Reach The Model    anthropic

OpenAI Call Records Tokens Latency And Cost
    [Documentation]    A call records provider, model, output tokens, latency and a cost above zero.
    [Tags]    openai
    Call Metrics Should Be Recorded    openai

Anthropic Call Records Tokens Latency And Cost
    [Documentation]    A call records provider, model, output tokens, latency and a cost above zero.
    [Tags]    anthropic
    Call Metrics Should Be Recorded    anthropic

Real OpenAI Answers
    [Documentation]    With OPENAI_API_KEY set, the real API answers a tiny prompt on a cheap model.
    [Tags]    openai    real_llm
    Real Provider Should Answer    openai

Real Anthropic Answers
    [Documentation]    With ANTHROPIC_API_KEY set, the real API answers a tiny prompt on a cheap model.
    [Tags]    anthropic    real_llm
    Real Provider Should Answer    anthropic
