*** Settings ***
Documentation       Opens its own namespace and, when asked, holds the run open until a file appears or fails.
Library             OperatingSystem
Resource            keywords/services.resource

Suite Setup         Open Suite Namespace
Suite Teardown      Close Suite Namespace


*** Variables ***
${HOLD_UNTIL}           ${EMPTY}
${FAIL_ON_PURPOSE}      ${FALSE}


*** Test Cases ***
Namespace Is Open
    Should Start With    ${SUITE_SCHEMA}    rfq_
    Should Start With    ${SUITE_KEY_PREFIX}    rfq:

Hold The Run Open When Asked
    Skip If    not $HOLD_UNTIL    No hold requested
    Create File    ${HOLD_UNTIL}.ready
    Wait Until Created    ${HOLD_UNTIL}    timeout=120 s

Fail When Asked
    Skip If    not ${FAIL_ON_PURPOSE}    No failure requested
    Fail    This test fails on purpose
