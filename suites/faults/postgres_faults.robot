*** Settings ***
Documentation     The system under test meets each network fault of PostgreSQL mid-run: it either recovers
...               (the run succeeds within the bound) or fails cleanly (the run fails within the bound, naming the
...               service). Either way nothing hangs, no run is lost, no step is applied twice, and PostgreSQL and
...               Redis agree afterwards.
...
...               Each row is tagged with the service it faults (``target:redis``): ``--include target:redis`` runs
...               the Redis rows, while ``--include redis`` stays the Redis suites alone, which need no system.

Resource          keywords/fault_matrix.resource

Suite Setup       Open Fault Matrix Suite
Suite Teardown    Close Agent System Suite
Test Teardown     Remove All Faults
Test Template     Agent Run Meets A Fault

Test Tags         faults    emulator    target:postgres


*** Test Cases ***    FAULT    OUTCOME    BOUND    REASON
PostgreSQL Latency
    PostgreSQL Is Slow Throughout    Run Recovers    30s
PostgreSQL Reset
    PostgreSQL Connections Are Reset Until Noticed    Run Recovers Once It Ends    20s
PostgreSQL Blackhole
    PostgreSQL Stops Answering Until Noticed    Run Recovers Once It Ends    20s
PostgreSQL Down Then Up
    PostgreSQL Goes Down Until Noticed    Run Recovers Once It Ends    20s
PostgreSQL Restart
    PostgreSQL Restarts    Run Recovers    20s
