"""Record real-path exchanges with vcrpy and replay them with no server; no key lands in a cassette."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from robot.api.types import Secret

from libraries.llm_library import LLMError, LLMExpectationFailed, LLMLibrary
from libraries.llm_library.errors import LLMConfigurationError
from libraries.llm_library.recording import mode_from
from libraries.llm_library.testing import robot_env

REPO = Path(__file__).resolve().parents[2]

PROVIDERS = pytest.mark.parametrize("provider", ["openai", "anthropic"])


def _wired(library: LLMLibrary, provider: str, emulator_url: str, key: str) -> None:
    base = f"{emulator_url}/v1" if provider == "openai" else f"{emulator_url}/anthropic"
    library.connect_to_llm(provider, api_key=Secret(key), base_url=base)


@PROVIDERS
@pytest.mark.parametrize("stream", [False, True])
def test_a_recording_replays_with_the_server_unreachable(library, emulator_url, tmp_path, provider, stream):
    key = f"sk-canary-{uuid.uuid4().hex}"
    cassette = str(tmp_path / "exchange.yaml")
    ask = library.stream_llm_answer if stream else library.ask_llm
    _wired(library, provider, emulator_url, key)
    library.start_llm_cassette(cassette, mode="record")
    recorded = ask("Tell me about lighthouses.")
    library.stop_llm_cassette()

    _wired(library, provider, "http://127.0.0.1:9", key)
    library.start_llm_cassette(cassette, mode="replay")
    assert ask("Tell me about lighthouses.") == recorded
    assert library.stop_llm_cassette() == 1
    text = Path(cassette).read_text(encoding="utf-8")
    assert key not in text
    library.llm_cassette_should_not_contain_keys(cassette)


def test_replay_of_an_unrecorded_request_fails_naming_the_cassette(library, tmp_path):
    cassette = str(tmp_path / "one.yaml")
    library.connect_to_llm("openai")
    library.start_llm_cassette(cassette, mode="record")
    library.ask_llm("recorded")
    library.start_llm_cassette(cassette, mode="replay")
    with pytest.raises(LLMError, match=r"has no recorded answer in cassette '.*one\.yaml': record it again"):
        library.ask_llm("never recorded")


def test_replaying_a_missing_cassette_says_how_to_make_it(library, tmp_path):
    with pytest.raises(LLMConfigurationError, match="does not exist: record it first with LLM_MODE=record"):
        library.start_llm_cassette(str(tmp_path / "absent.yaml"), mode="replay")


def test_a_cassette_with_a_key_is_caught(library, tmp_path):
    key = "sk-canary-leaked-0000"
    library.connect_to_llm("openai", api_key=Secret(key), base_url="http://127.0.0.1:9/v1")
    cassette = tmp_path / "leaky.yaml"
    cassette.write_text(f"headers:\n  authorization:\n  - Bearer {key}\n", encoding="utf-8")
    with pytest.raises(LLMExpectationFailed, match="holds the key of connection 'default', header 'authorization'"):
        library.llm_cassette_should_not_contain_keys(str(cassette))


@pytest.mark.parametrize(("value", "mode"), [(None, "live"), ("Record", "record"), (" replay ", "replay")])
def test_llm_mode_setting(value, mode):
    assert mode_from(value) == mode


def test_a_bad_llm_mode_names_the_choices():
    with pytest.raises(LLMConfigurationError, match="LLM_MODE must be one of live, record, replay, got 'tape'"):
        mode_from("tape")


def _robot(env: dict[str, str], output_dir: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "robot", "--include", "real_llmANDopenai", "--outputdir", str(output_dir)]
    return subprocess.run([*command, "suites/"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.timeout(600)
def test_llm_mode_records_each_test_and_replays_it_offline(emulator_url, tmp_path):
    """LLM_MODE=record with a key writes one cassette per test; LLM_MODE=replay passes with the server unreachable."""
    cassettes = tmp_path / "cassettes"
    base = robot_env(OPENAI_API_KEY=f"sk-canary-{uuid.uuid4().hex}", LLM_CASSETTE_DIR=str(cassettes))
    recording = _robot({**base, "LLM_MODE": "record", "OPENAI_BASE_URL": f"{emulator_url}/v1"}, tmp_path / "rec")
    assert recording.returncode == 0, recording.stdout[-2000:]
    recorded = sorted(p.relative_to(cassettes).as_posix() for p in cassettes.rglob("*.yaml"))
    assert recorded == ["Suites.Llm.Answers/Real_OpenAI_Answers.yaml"]

    replay = _robot({**base, "LLM_MODE": "replay", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, tmp_path / "play")
    assert replay.returncode == 0, replay.stdout[-2000:]
    assert "1 test, 1 passed, 0 failed" in replay.stdout
