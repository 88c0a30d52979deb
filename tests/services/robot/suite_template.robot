*** Settings ***
Documentation     Opens its own namespace and, when asked, holds the run open until a file appears or fails.

Library           OperatingSystem
Resource          keywords/services.resource

Suite Setup       Open Suite Namespace
Suite Teardown    Close Suite Namespace


*** Variables ***
${HOLD_SUITE}         ${EMPTY}
${HOLD_UNTIL}         ${EMPTY}
${FAIL_ON_PURPOSE}    ${FALSE}


*** Test Cases ***
Namespace Is Open
    [Documentation]    The suite setup opened this suite's schema and key prefix.
    Should Start With    ${SUITE_SCHEMA}    rfq_
    Should Start With    ${SUITE_KEY_PREFIX}    rfq:

Hold The Run Open When Asked
    [Documentation]    With HOLD_UNTIL set, signals readiness and waits, so a test can kill the run mid-way.
    Skip If    not $HOLD_UNTIL or $HOLD_SUITE not in $SUITE_NAME    No hold requested
    Create File    ${HOLD_UNTIL}.ready    ${SUITE_SCHEMA}
    Wait Until Created    ${HOLD_UNTIL}    timeout=120 s

Fail When Asked
    [Documentation]    With FAIL_ON_PURPOSE set, fails, so a test can check the clean-up of a failing run.
    Skip If    not ${FAIL_ON_PURPOSE}    No failure requested
    Fail    This test fails on purpose
