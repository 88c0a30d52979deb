*** Settings ***
Documentation     Real-services suites for a multi-agent LLM system: PostgreSQL, Redis, OpenAI and Anthropic.
...
...               Services come from DATABASE_URL / REDIS_URL / OPENAI_API_KEY / ANTHROPIC_API_KEY when set,
...               otherwise from throwaway real servers started for this run and removed at its end.

# Relative on purpose: it puts the repository root on Python's path for every import below, installed or not.
Variables         ../libraries/python_path.py
Resource          keywords/services.resource
Library           libraries.summary.RunSummary

Suite Setup       Set Up Run Services
Suite Teardown    Tear Down Run Services
