"""Record real LLM exchanges into cassettes and replay them offline (vcrpy, which patches the SDKs' httpx2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import LLMConfigurationError

try:  # vcrpy 9.4 (the first with httpx2 stubs) needs Python 3.11; live and emulated calls work without it
    import vcr
    from vcr.errors import CannotOverwriteExistingCassetteException
except ImportError:  # pragma: no cover - Python 3.10
    vcr = None

    class CannotOverwriteExistingCassetteException(Exception):
        pass


DEFAULT_CASSETTE_DIR = Path(__file__).resolve().parents[2] / "resources" / "llm" / "cassettes"
MODE_VARIABLE = "LLM_MODE"
CASSETTE_DIR_VARIABLE = "LLM_CASSETTE_DIR"
MODES = ("live", "record", "replay")
REQUEST_SECRET_HEADERS = ("authorization", "x-api-key", "api-key", "cookie", "openai-organization", "openai-project")
RESPONSE_PRIVATE_HEADERS = ("set-cookie", "openai-organization", "openai-project", "anthropic-organization-id")

CassetteMiss = CannotOverwriteExistingCassetteException


def mode_from(value: str | None) -> str:
    mode = (value or "live").strip().lower()
    if mode not in MODES:
        raise LLMConfigurationError(f"{MODE_VARIABLE} must be one of {', '.join(MODES)}, got '{value}'.")
    return mode


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in RESPONSE_PRIVATE_HEADERS:
            del headers[name]
    return response


class Cassette:
    """One open cassette: ``record`` rewrites the file from scratch, ``replay`` never touches the network.

    Requests match on method, path, query and body, not host: a recording made through a base URL override
    replays wherever the connection points.
    """

    def __init__(self, path: Path, mode: str) -> None:
        if mode not in ("record", "replay"):
            raise LLMConfigurationError(f"A cassette mode must be 'record' or 'replay', got '{mode}'.")
        if vcr is None:
            raise LLMConfigurationError(
                f"{MODE_VARIABLE}={mode} needs vcrpy, which needs Python 3.11 or newer: use LLM_MODE=live here."
            )
        if mode == "replay" and not path.exists():
            raise LLMConfigurationError(
                f"Cassette '{path}' does not exist: record it first with {MODE_VARIABLE}=record and real keys."
            )
        if mode == "record":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
        self.path = path
        self.mode = mode
        recorder = vcr.VCR(
            record_mode="all" if mode == "record" else "none",
            match_on=("method", "path", "query", "body"),
            filter_headers=REQUEST_SECRET_HEADERS,
            before_record_response=_scrub_response,
            decode_compressed_response=True,
        )
        self._context = recorder.use_cassette(str(path), allow_playback_repeats=True)
        self._cassette = self._context.__enter__()

    @property
    def play_count(self) -> int:
        return self._cassette.play_count

    def close(self) -> None:
        self._context.__exit__(None, None, None)
