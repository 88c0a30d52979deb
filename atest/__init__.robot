*** Settings ***
Documentation     Acceptance tests of the kit's own keyword libraries: their error messages, timeouts and options.
...
...               Users' specifications live in suites/; these prove the libraries under them. Run with
...               ``robot atest/``; services come up as for suites/.

# Relative on purpose: it puts the repository root on Python's path for every import below, installed or not.
Variables         ../libraries/python_path.py
Resource          keywords/services.resource

Suite Setup       Set Up Run Services
Suite Teardown    Tear Down Run Services
