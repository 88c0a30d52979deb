"""Run-wide services: resolution, embedded servers, per-suite namespaces.

Robot Framework imports the keyword library as ``libraries.services.ServicesLibrary``; other keyword libraries read
the resolved services through ``libraries.services.runtime``. This package stays import-light: the supervisor
process imports it on every run.
"""
