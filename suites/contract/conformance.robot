*** Settings ***
Documentation     The conformance check an adapter runs first (``robot --include contract suites/``): a run goes
...               in and reads back, the system's processes are listed, and each capability the adapter declares is
...               really there. It ends with the list of suite tests the capabilities let run and those they skip.

Resource          keywords/agent_system.resource

Suite Setup       Open Agent System Suite    workers=2
Suite Teardown    Close Agent System Suite

Test Tags         contract


*** Test Cases ***
A Submitted Run Ends And Reads Back
    [Documentation]    The basic contract: a run submitted succeeds, with steps each applied once.
    ${run}    Submit Agent Run    Summarise the adapter contract
    Run Should Succeed    ${run}
    Get Agent Run Step Count    ${run}    >    0

The System's Processes Are Listed
    [Documentation]    While a run is in flight, ``processes()`` names live processes: the registry the kit samples
    ...    and stops them by.
    Steps Will Be Slow
    ${run}    Submit Agent Run    Keep the workers busy
    Wait Until An Agent Step Is Running    ${run}
    Agent System Processes Should Be Alive
    Run Should Succeed    ${run}

A Killed Worker Is Gone And Its Run Still Ends
    [Documentation]    ``kill_worker``: the process is gone; the run ends (and succeeds where it resumes).
    [Tags]    needs:kill_worker
    Steps Will Be Slow
    ${run}    Submit Agent Run    Report on the incident
    Wait Until An Agent Step Is Running    ${run}
    ${worker}    Kill Agent Worker
    Agent Worker Should Be Gone    ${worker}
    Run Should Outlive Its Killed Worker    ${run}

A Run Reports Its Usage
    [Documentation]    ``usage``: a finished run reports its tokens and cost.
    [Tags]    needs:usage
    ${run}    Submit Agent Run    Count the words
    Run Should Succeed    ${run}
    Get Agent Run Tokens    ${run}    >    0

Its Cached Copy Is Readable
    [Documentation]    ``cached_state``: the cached copy of a finished run is there and agrees with the store.
    [Tags]    needs:cached_state
    ${run}    Submit Agent Run    Keep a copy
    Run Should Succeed    ${run}
    Agent Run State Should Agree Across Services    ${run}    retry_timeout=10s

A Cancelled Run Ends Cancelled
    [Documentation]    ``cancel``: a run cancelled while its step is slow ends cancelled.
    [Tags]    needs:cancel
    Steps Will Be Slow
    ${run}    Submit Agent Run    Write a long essay
    Cancel Agent Run    ${run}
    Wait Until Agent Run Finishes    ${run}
    Get Agent Run Status    ${run}    ==    cancelled

A Scripted Plan Gives The Run Its Steps
    [Documentation]    ``scripted_plan``: the run gets the steps the test wrote.
    [Tags]    needs:scripted_plan
    Agent Plan Will Be    Read the brief    Draft the reply
    ${run}    Submit Agent Run    Answer the customer
    Run Should Succeed    ${run}
    Get Agent Run Step Count    ${run}    ==    2

A Broken Stream Reaches The System
    [Documentation]    ``streaming``: a stream that ends early fails the run as an unusable answer.
    [Tags]    needs:streaming
    LLM Stream Will Break    truncate    after_chunks=1
    ${run}    Submit Agent Run    Triage the support queue
    Run Should Fail With    ${run}    invalid_answer

Which Suite Tests Will Run
    [Documentation]    Lists the suite tests the adapter's capabilities let run and those they skip.
    Log Suite Tests The Agent System Will Run
