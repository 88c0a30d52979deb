"""Where a provider's key, base URL and mode come from: keyword argument, Robot variable, environment, emulator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from robot.api.types import Secret

from libraries.common import setting
from libraries.services.providers import LLM_PROVIDERS

from .errors import LLMConfigurationError

PROVIDERS = tuple(LLM_PROVIDERS)
DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5"}
KEY_VARIABLES = {name: provider.key_setting for name, provider in LLM_PROVIDERS.items()}
BASE_URL_VARIABLES = {name: provider.base_url_setting for name, provider in LLM_PROVIDERS.items()}
MODEL_VARIABLES = {"openai": "LLM_OPENAI_MODEL", "anthropic": "LLM_ANTHROPIC_MODEL"}
EMULATOR_KEY = "llmock-offline-key"
_KEY_LIKE = re.compile(r"\b(?:sk|key)-[A-Za-z0-9*_.-]{4,}")


def provider_name(value: str) -> str:
    name = str(value).strip().lower()
    if name not in PROVIDERS:
        raise LLMConfigurationError(f"Provider must be one of {', '.join(PROVIDERS)}, got '{value}'.")
    return name


def secret_value(value: Any) -> str | None:
    if isinstance(value, Secret):
        return value.value or None
    return str(value) if value else None


@dataclass(frozen=True)
class Resolved:
    provider: str
    mode: str
    """``emulator`` (no key: the run's llmock), ``real`` (a key: the provider or its base URL), ``replay``."""
    model: str
    api_key: str
    base_url: str | None


def resolve(
    provider: str,
    *,
    model: str | None,
    api_key: Secret | None,
    base_url: str | None,
    llm_mode: str,
    emulator_base_url: Any,
) -> Resolved:
    """``emulator_base_url`` is a callable giving the emulator URL for ``provider``, asked only when needed."""
    if api_key is not None and not isinstance(api_key, Secret):
        raise LLMConfigurationError(
            "api_key must be a Secret so it never reaches the log: e.g. VAR    ${key: Secret}    %{OPENAI_API_KEY}."
        )
    key = secret_value(api_key) or secret_value(setting(KEY_VARIABLES[provider]))
    model = model or setting(MODEL_VARIABLES[provider]) or DEFAULT_MODELS[provider]
    override = base_url or setting(BASE_URL_VARIABLES[provider])
    if llm_mode == "replay":
        return Resolved(provider, "replay", model, key or EMULATOR_KEY, override)
    if key:
        return Resolved(provider, "real", model, key, override)
    return Resolved(provider, "emulator", model, EMULATOR_KEY, emulator_base_url(provider))


def without_keys(text: str, keys: list[str]) -> str:
    """Hide the known keys and anything key-shaped a provider echoes back (e.g. a masked key in a 401)."""
    for key in keys:
        if key and key != EMULATOR_KEY:
            text = text.replace(key, "***")
    return _KEY_LIKE.sub("***", text)
