"""A compact, real multi-agent orchestrator: the reference system under test of the kit.

An HTTP API and agent processes (planner, worker and aggregator roles) over Redis Streams consumer groups, with
PostgreSQL as the source of truth and the official OpenAI / Anthropic SDKs for every model call. See
``orchestrator/README.md`` for the processes, the settings and the delivery guarantees.

It never imports the kit's ``libraries/``: suites reach it only through the agent-system adapter.
"""
