"""The LLM providers the kit talks to, written once: their settings and their own API's base URL.

Import-light (standard library only): the services supervisor reads it to decide whether the emulator is needed,
the LLM library to resolve a connection, the health library to probe the endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    name: str
    """How keywords name it: ``openai``, ``anthropic``."""
    title: str
    """How messages name it: ``OpenAI``, ``Anthropic``."""
    key_setting: str
    base_url_setting: str
    api_url: str
    """The provider's own API, used with a key and no base-URL setting."""


LLM_PROVIDERS: dict[str, Provider] = {
    provider.name: provider
    for provider in (
        Provider("openai", "OpenAI", "OPENAI_API_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1"),
        Provider("anthropic", "Anthropic", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
    )
}
