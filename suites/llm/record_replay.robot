*** Settings ***
Documentation     Record LLM exchanges into a cassette and replay them with no network; keys never land in it.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers
Test Teardown     Stop LLM Cassette

Test Tags         llm    emulator


*** Test Cases ***
A Recorded OpenAI Answer Replays Offline
    [Documentation]    A recorded answer replays identically without reaching the emulator again.
    [Tags]    openai
    [Template]    Answer Should Replay From A Cassette
    openai    Ask LLM

A Recorded Anthropic Stream Replays Offline
    [Documentation]    A recorded stream replays identically without reaching the emulator again.
    [Tags]    anthropic
    [Template]    Answer Should Replay From A Cassette
    anthropic    Stream LLM Answer

Cassettes Hold No Keys
    [Documentation]    A cassette recorded on the real-provider path holds neither the key nor an auth header.
    [Tags]    openai
    Use A Private LLM Budget    1
    Connect To The Emulator As A Real Provider    openai
    Start LLM Cassette    ${OUTPUT_DIR}/cassettes/no-keys.yaml    mode=record
    Ask LLM    Hello    alias=openai-wired
    Stop LLM Cassette
    LLM Cassette Should Not Contain Keys    ${OUTPUT_DIR}/cassettes/no-keys.yaml


*** Keywords ***
Answer Should Replay From A Cassette
    [Documentation]    Records one ``${call}`` to ``${provider}``, replays it, and checks the replay gave the same
    ...    answer without a second request reaching the emulator.
    [Arguments]    ${provider}    ${call}
    VAR    ${cassette}    ${OUTPUT_DIR}/cassettes/${provider}-${call}.yaml
    Start LLM Cassette    ${cassette}    mode=record
    ${recorded}    Run Keyword    ${call}    Tell me a very short story.    alias=${provider}
    Start LLM Cassette    ${cassette}    mode=replay
    ${replayed}    Run Keyword    ${call}    Tell me a very short story.    alias=${provider}
    ${plays}    Stop LLM Cassette
    Should Be Equal    ${replayed}    ${recorded}
    Should Be Equal As Integers    ${plays}    1
    Get LLM Request Count    ==    1    alias=${provider}
