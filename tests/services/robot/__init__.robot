*** Settings ***
Documentation     A miniature of suites/: run-wide services, as the real suites get them.

Resource          keywords/services.resource

Suite Setup       Set Up Run Services
Suite Teardown    Tear Down Run Services
