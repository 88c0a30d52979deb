*** Settings ***
Documentation     Judge LLM Answer takes its assertion as documented; the emulator plays the judge with a scripted
...               verdict.

Library           libraries.llm_library.LLMLibrary
Resource          keywords/services.resource

Suite Setup       Connect The Judge
Suite Teardown    Disconnect From All LLMs

Test Tags         llm


*** Test Cases ***
Documented Judge Example Runs
    [Documentation]    The docstring's form: answer, criteria, operator, expected value, alias.
    LLM Will Answer    {"score": 0.9, "reason": "names Paris"}    alias=judge
    ${score}    Judge LLM Answer    Paris is the capital.    Names Paris as the capital    >=    0.7    alias=judge
    Should Be Equal As Numbers    ${score}    0.9

Score Below The Bar Fails Naming Both Values
    [Documentation]    A score below the expected value fails with the score and the bar.
    LLM Will Answer    {"score": 0.2, "reason": "off topic"}    alias=judge
    Run Keyword And Expect Error    *0.2*0.7*
    ...    Judge LLM Answer    Rome is nice.    Names Paris as the capital    >=    0.7    alias=judge


*** Keywords ***
Connect The Judge
    [Documentation]    Starts the run's services when needed and connects the emulator as ``judge``.
    Start Run Services
    Connect To LLM    openai    alias=judge
