*** Settings ***
Documentation     A suite run on its own, with no __init__.robot: the LLM keywords bring up the services.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers


*** Test Cases ***
Emulated Answer Comes Back
    [Documentation]    The emulator's scripted answer comes back through the OpenAI SDK.
    Scripted Answer Should Come Back    openai    stop
