*** Settings ***
Documentation     Workers that die at the worst moments, poison steps and a system with no worker left: the work
...               is picked up again, a step's LLM answer is paid for once, and what can never succeed fails its run.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite    workers=1
Suite Teardown    Close Agent System Suite

Test Tags         orchestration    crash


*** Test Cases ***
Worker Dies Before Its LLM Call
    [Documentation]    The step is taken, its worker dies before asking the LLM; the new worker asks once.
    [Tags]    needs:failpoints    needs:resumes_after_crash
    Run Survives A Worker That Dies At    before_llm

Worker Dies After Its LLM Call, Before Committing
    [Documentation]    The answer is stored, the worker dies before the commit; the new worker reuses the answer.
    [Tags]    needs:failpoints    needs:resumes_after_crash
    Run Survives A Worker That Dies At    after_llm

Worker Dies After Committing, Before Acknowledging
    [Documentation]    The step is committed, its message not acknowledged; the redelivery changes nothing.
    [Tags]    needs:failpoints    needs:resumes_after_crash
    Run Survives A Worker That Dies At    after_commit

Poison Step Lands In The Dead-Letter Queue And Fails Its Run
    [Documentation]    A step failing every delivery goes to the dead-letter queue after the last one; its run fails.
    [Tags]    needs:scripted_plan    needs:dead_letters
    Agent Plan Will Be    Collect the figures    Divide them | calculator: 1 / 0
    ${run}    Submit Agent Run    Compute the ratio
    Run Should Fail With    ${run}    dead_lettered
    Get Agent Run Error    ${run}    contains    ZeroDivisionError
    Get Agent Dead Letter Count    ==    1

Workers Restarted After All Were Killed Pick Up The Work
    [Documentation]    A run submitted while no worker lives waits, and finishes once workers are back.
    [Tags]    needs:kill_worker    needs:resumes_after_crash
    Kill All Agent Workers
    ${run}    Submit Agent Run    Reconcile the accounts
    Get Agent Run Status    ${run}    ==    pending
    Start Agent Worker
    Start Agent Worker
    Run Should Succeed    ${run}


*** Keywords ***
Run Survives A Worker That Dies At
    [Documentation]    The only worker SIGKILLs itself at ``${moment}`` of the first step; a new one finishes
    ...    the run, applying each step once and asking the LLM once per step.
    [Arguments]    ${moment}
    Kill All Agent Workers
    Start Agent Worker    failpoint=${moment}
    ${run}    Submit Agent Run    Report on the incident
    Get Agent Worker Count    ==    0    retry_timeout=20s
    Start Agent Worker
    Run Should Succeed    ${run}
    Each Step Should Have Asked The LLM Once    ${run}
