*** Settings ***
Documentation     LLM calls through the official OpenAI and Anthropic SDKs, real or emulated.
...
...               The teardown prints the run's LLM spend (shared by every pabot process) to the console.

Resource          keywords/llm.resource

Suite Teardown    Log LLM Run Cost
