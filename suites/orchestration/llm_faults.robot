*** Settings ***
Documentation     Faults of the system's LLM provider during a run: what the SDKs can retry ends in a succeeded
...               run; what they cannot ends the run failed with one clear reason naming provider and status.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite    workers=1
Suite Teardown    Close Agent System Suite

Test Tags         orchestration    llm_faults    emulator


*** Test Cases ***
Rate Limit With Retry-After Is Retried
    [Documentation]    A 429 with retry-after on the run's next LLM call: the SDK waits as asked, retries, and the
    ...    run succeeds.
    LLM Will Fail    429    retry_after=200ms
    ${run}    Submit Agent Run    Triage the support queue
    Run Should Succeed    ${run}
    LLM Retries Should Honour Retry After    alias=openai

Server Error Is Retried
    [Documentation]    A 503 on the run's next LLM call is retried after its retry-after and the run succeeds.
    LLM Will Fail    503    retry_after=100ms
    ${run}    Submit Agent Run    Triage the support queue
    Run Should Succeed    ${run}
    LLM Retries Should Honour Retry After    alias=openai

Plan That Breaks Its Schema Fails The Run
    [Documentation]    A plan with no steps breaks the plan's JSON schema: the run fails saying so.
    [Tags]    needs:scripted_plan
    Agent Planner Will Answer    {"steps": []}
    ${run}    Submit Agent Run    Triage the support queue
    Run Should Fail With    ${run}    invalid_answer

Non-Retryable Bad Request Fails The Run
    [Documentation]    A 400 on the run's next LLM call is not retried: the run fails naming provider and status.
    LLM Will Fail    400    message=prompt is too long
    ${run}    Submit Agent Run    Triage the support queue
    Run Should Fail With    ${run}    bad_request    status=400

Exhausted Retries Fail The Run
    [Documentation]    Three 500s on the run's next LLM call use up the SDK's retries: the run fails naming the
    ...    attempts.
    LLM Will Fail    500    times=3
    ${run}    Submit Agent Run    Triage the support queue
    Run Should Fail With    ${run}    server_error    status=500

Truncated Stream Fails The Run
    [Documentation]    A step's stream that ends early without a finish reason is not taken as an answer.
    [Tags]    needs:streaming
    LLM Stream Will Break    truncate    after_chunks=1
    ${run}    Submit Agent Run    Triage the support queue
    Run Should Fail With    ${run}    invalid_answer

Anthropic Overload Is Retried
    [Documentation]    A 529 from Anthropic on the run's next LLM call is retried after its retry-after and the run
    ...    succeeds.
    [Tags]    anthropic    needs:providers
    LLM Will Fail    529    retry_after=100ms    alias=anthropic
    ${run}    Submit Agent Run    Triage the support queue    anthropic
    Run Should Succeed    ${run}
    LLM Retries Should Honour Retry After    alias=anthropic
