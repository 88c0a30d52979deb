*** Settings ***
Documentation     Which path a call takes: no key -> the emulator; a key -> the real-provider path, honouring
...               OPENAI_BASE_URL / ANTHROPIC_BASE_URL, proven offline with a fake key pointed at the emulator.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm


*** Test Cases ***
Without A Key OpenAI Calls Reach The Emulator
    [Documentation]    Without OPENAI_API_KEY the connection is emulated and its call lands in the emulator.
    [Tags]    openai    emulator
    [Template]    Calls Without A Key Should Reach The Emulator
    openai

Without A Key Anthropic Calls Reach The Emulator
    [Documentation]    Without ANTHROPIC_API_KEY the connection is emulated and its call lands in the emulator.
    [Tags]    anthropic    emulator
    [Template]    Calls Without A Key Should Reach The Emulator
    anthropic

A Fake OpenAI Key With The Emulator Base URL Takes The Real Path
    [Documentation]    A key plus a base URL gives a real-mode connection whose spend counts as real.
    [Tags]    openai    emulator
    [Template]    A Key Should Take The Real Provider Path
    openai

A Fake Anthropic Key With The Emulator Base URL Takes The Real Path
    [Documentation]    A key plus a base URL gives a real-mode connection whose spend counts as real.
    [Tags]    anthropic    emulator
    [Template]    A Key Should Take The Real Provider Path
    anthropic

An API Key Must Be A Secret
    [Documentation]    A key given as plain text is refused without being echoed.
    [Tags]    openai
    Connecting With A Plain Text Key Should Be Refused

An Unknown Provider Is Refused
    [Documentation]    A provider other than openai or anthropic fails naming the choices.
    [Tags]    openai
    Run Keyword And Expect Error    Provider must be one of openai, anthropic, got 'gemini'.
    ...    Connect To LLM    gemini


*** Keywords ***
Calls Without A Key Should Reach The Emulator
    [Documentation]    A connection without a key is in emulator mode and its call is in the emulator's journal.
    [Arguments]    ${provider}
    Skip Unless LLM Emulator    alias=${provider}
    Get LLM Mode    ==    emulator    alias=${provider}
    Ask LLM    Hello    alias=${provider}
    Get LLM Request Count    ==    1    alias=${provider}

A Key Should Take The Real Provider Path
    [Documentation]    A fake key plus the emulator's base URL gives a real-mode connection whose spend is real.
    [Arguments]    ${provider}
    Use A Private LLM Budget    1
    Connect To The Emulator As A Real Provider    ${provider}
    Get LLM Mode    ==    real    alias=${provider}-wired
    Ask LLM    Hello    alias=${provider}-wired
    ${spend}    Get LLM Run Spend
    Should Be Equal As Integers    ${spend}[real_calls]    1

Connecting With A Plain Text Key Should Be Refused
    [Documentation]    Connects with a key given as plain text and expects the refusal. Not run by ``--dryrun``,
    ...    which converts the argument as the real run would and reports the refusal this keyword expects.
    [Tags]    robot:no-dry-run
    Run Keyword And Expect Error    *api_key* must have type 'Secret', got string*
    ...    Connect To LLM    openai    api_key=not-a-secret    alias=plain
