from __future__ import annotations

import re
from pathlib import Path

from robot.api import logger
from robot.api.deco import keyword

from ..errors import LLMExpectationFailed
from ..recording import DEFAULT_CASSETTE_DIR, REQUEST_SECRET_HEADERS, Cassette
from ..settings import EMULATOR_KEY
from .base import LLMComponent


class RecordingKeywords(LLMComponent):
    @keyword("Start LLM Cassette")
    def start_llm_cassette(self, cassette: str, *, mode: str = "record") -> str:
        """Records LLM exchanges into ``cassette`` (``mode=record``) or answers from it offline (``mode=replay``).

        A relative ``cassette`` is under ``resources/llm/cassettes``. Keys and authorization headers are never
        written. Replay fails a call whose request was not recorded. With ``LLM_MODE=record`` / ``replay`` every
        test gets its own cassette automatically. Returns the cassette path.

        Example:
        | Start LLM Cassette | ${OUTPUT_DIR}/greeting.yaml | mode=record |
        | Ask LLM | Hello |
        | Stop LLM Cassette |
        """
        path = _cassette_path(cassette)
        self.stop_llm_cassette()
        self.state.cassette = Cassette(path, mode)
        logger.info(f"LLM cassette '{path}' open to {mode}.")
        return str(path)

    @keyword("Stop LLM Cassette")
    def stop_llm_cassette(self) -> int:
        """Closes the open cassette (writing it when recording) and returns how many answers it replayed.

        Safe in a teardown when none is open.

        Example:
        | ${replayed} = | Stop LLM Cassette |
        """
        cassette, self.state.cassette = self.state.cassette, None
        if cassette is None:
            return 0
        cassette.close()
        logger.info(f"LLM cassette '{cassette.path}' closed after {cassette.play_count} replayed answer(s).")
        return cassette.play_count

    @keyword("LLM Cassette Should Not Contain Keys")
    def llm_cassette_should_not_contain_keys(self, cassette: str) -> None:
        """Fails when ``cassette`` holds an API key of an open connection or an authorization header.

        Example:
        | LLM Cassette Should Not Contain Keys | ${OUTPUT_DIR}/greeting.yaml |
        """
        path = _cassette_path(cassette)
        text = path.read_text(encoding="utf-8")
        leaks = [
            f"the key of connection '{c.alias}'"
            for c in self.state.connections
            if c.settings.api_key != EMULATOR_KEY and c.settings.api_key in text
        ]
        leaks += [f"header '{h}'" for h in REQUEST_SECRET_HEADERS if re.search(rf"^\s*{h}:", text, re.M | re.I)]
        if leaks:
            raise LLMExpectationFailed(f"Cassette '{path}' should hold no secrets but holds {', '.join(leaks)}.")
        logger.info(f"Cassette '{path}' holds no API key and no authorization header.")


def _cassette_path(cassette: str) -> Path:
    return Path(cassette) if Path(cassette).is_absolute() else DEFAULT_CASSETTE_DIR / cassette
