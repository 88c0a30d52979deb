*** Settings ***
Documentation     Streamed answers arrive whole; every way a stream breaks, including the silent truncation
...               the SDKs accept, fails with one clear line.

Resource          keywords/llm.resource

Suite Setup       Connect To The LLM Providers
Suite Teardown    Disconnect From The LLM Providers

Test Tags         llm


*** Test Cases ***
OpenAI Streams A Complete Answer
    [Documentation]    A streamed answer arrives in several chunks with a finish reason and a time to first token.
    [Tags]    openai
    Streamed Answer Should Be Complete    openai    stop

Anthropic Streams A Complete Answer
    [Documentation]    A streamed answer arrives in several chunks with a stop reason and a time to first token.
    [Tags]    anthropic
    Streamed Answer Should Be Complete    anthropic    end_turn

Time To First Token Includes A Slow Start
    [Documentation]    A first chunk held back 300 ms shows up in the recorded time to first token.
    [Tags]    openai    emulator
    LLM Will Be Slow To First Token    300ms    alias=openai
    Stream LLM Answer    Tell me a very short story.    alias=openai
    ${call}    Get Last LLM Call
    Should Be True    ${call}[time_to_first_token_s] >= 0.3

OpenAI Stream Cut Short Without Terminator
    [Documentation]    A stream that ends cleanly but early, which the SDK accepts, fails as truncated.
    [Tags]    openai    emulator
    [Template]    Broken Stream Should Fail Clearly
    openai    truncate    OpenAI stream from model '*' was cut short: status 200, *without a finish reason*

Anthropic Stream Cut Short Without Terminator
    [Documentation]    A stream that ends cleanly but early, which the SDK accepts, fails as truncated.
    [Tags]    anthropic    emulator
    [Template]    Broken Stream Should Fail Clearly
    anthropic    truncate    Anthropic stream from model '*' was cut short: status 200, *without a finish reason*

OpenAI Stream Dropped Mid-Way
    [Documentation]    A connection dropped mid-stream fails as a dropped connection.
    [Tags]    openai    emulator
    [Template]    Broken Stream Should Fail Clearly
    openai    disconnect    OpenAI call to model '*' failed: status none (connection failed or dropped*

Anthropic Stream Dropped Mid-Way
    [Documentation]    A connection dropped mid-stream (a raw transport error in the SDK) fails as a dropped connection.
    [Tags]    anthropic    emulator
    [Template]    Broken Stream Should Fail Clearly
    anthropic    disconnect    Anthropic call to model '*' failed: status none (connection failed or dropped*

OpenAI Stream With A Corrupt Chunk
    [Documentation]    A chunk that is not JSON (a raw JSONDecodeError in the SDK) fails clearly.
    [Tags]    openai    emulator
    [Template]    Broken Stream Should Fail Clearly
    openai    malformed    OpenAI call to model '*' failed: status none (the provider sent a body that is not*

Anthropic Stream With A Corrupt Chunk
    [Documentation]    A chunk that is not JSON (a raw JSONDecodeError in the SDK) fails clearly.
    [Tags]    anthropic    emulator
    [Template]    Broken Stream Should Fail Clearly
    anthropic    malformed    Anthropic call to model '*' failed: status none (the provider sent a body that is not*

OpenAI Stream That Stalls
    [Documentation]    A stream that stops sending fails once the 1 s read timeout passes.
    [Tags]    openai    emulator
    [Template]    Broken Stream Should Fail Clearly
    openai    stall    OpenAI call to model '*' failed: status none (*

Anthropic Stream That Stalls
    [Documentation]    A stream that stops sending fails once the 1 s read timeout passes.
    [Tags]    anthropic    emulator
    [Template]    Broken Stream Should Fail Clearly
    anthropic    stall    Anthropic call to model '*' failed: status none (timed out waiting for the provider*
