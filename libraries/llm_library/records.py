"""What one LLM call produced, in provider-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .pricing import Usage


@dataclass
class LLMRequest:
    messages: list[dict[str, Any]]
    system: str | None = None
    max_tokens: int = 256
    temperature: float | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    schema: dict[str, Any] | None = None
    stream: bool = False


@dataclass
class ToolCall:
    name: str
    arguments: str
    id: str = ""


@dataclass
class CallRecord:
    provider: str
    model: str
    mode: str
    text: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None
    latency_s: float = 0.0
    time_to_first_token_s: float | None = None
    request_id: str | None = None
    response_id: str | None = None
    retries: int = 0
    stream: bool = False
    chunks: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "mode": self.mode,
            "text": self.text,
            "tool_calls": [{"name": c.name, "arguments": c.arguments, "id": c.id} for c in self.tool_calls],
            "finish_reason": self.finish_reason,
            **self.usage.as_dict(),
            "cost_usd": self.cost_usd,
            "latency_s": self.latency_s,
            "time_to_first_token_s": self.time_to_first_token_s,
            "request_id": self.request_id,
            "response_id": self.response_id,
            "retries": self.retries,
            "stream": self.stream,
            "chunks": self.chunks,
        }
