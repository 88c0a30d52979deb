*** Settings ***
Documentation     Two suites of different needs under one pabot run: each suite's setup starts what it uses.

Resource          keywords/services.resource

Suite Teardown    Tear Down Run Services
