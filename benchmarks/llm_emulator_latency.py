"""Latency the llmock emulator adds per call through the official SDKs, and the cost of one real-provider run.

    .venv/bin/python benchmarks/llm_emulator_latency.py [--calls 300] [--skip-cost]

Part 1 times complete calls from the OpenAI and Anthropic SDKs (and through LLMLibrary's ``Ask LLM``) against a
private llmock on loopback: that round trip is what the emulator adds to a test in place of a provider.

Part 2 runs ``robot --include llm suites/`` with fake keys whose base URLs point at the emulator, so every test
that would reach a real provider takes that path; the emulator's journal then lists each real-provider request.
Its cost is estimated from the price table: input tokens ~ 1 per 4 characters of the messages, system prompt,
tools and schema sent (+ 10 per message), output tokens = the request's max_tokens (an upper bound).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import anthropic
import httpx2
import openai

from libraries.llm_library import LLMLibrary
from libraries.llm_library.pricing import PriceTable, Usage
from libraries.llm_library.testing import PrivateEmulator, robot_env
from libraries.services import runtime

REPO = Path(__file__).resolve().parents[1]
PROMPT = [{"role": "user", "content": "Say hello in five words."}]
TOKENS_PER_MESSAGE = 10
CHARS_PER_TOKEN = 4


def percentiles(action: Callable[[], object], calls: int) -> tuple[float, float]:
    for _ in range(min(20, calls)):
        action()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    return statistics.median(samples), cuts[94]


def latency(url: str, calls: int) -> None:
    oa = openai.OpenAI(base_url=f"{url}/v1", api_key="bench", timeout=10, max_retries=0)
    an = anthropic.Anthropic(base_url=f"{url}/anthropic", api_key="bench", timeout=10, max_retries=0)
    runtime.activate(runtime.Endpoints("", "", llm_emulator_url=url, run_dir=tempfile.mkdtemp(prefix="llm-bench-")))
    library = LLMLibrary()
    library.state.start_test()
    library.connect_to_llm("openai")

    def stream_openai() -> None:
        for _ in oa.chat.completions.create(model="gpt-4o-mini", messages=PROMPT, stream=True):
            pass

    cases = {
        "openai SDK chat.completions": lambda: oa.chat.completions.create(model="gpt-4o-mini", messages=PROMPT),
        "openai SDK chat stream (read whole)": stream_openai,
        "anthropic SDK messages": lambda: an.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=PROMPT),
        "LLMLibrary Ask LLM (openai)": lambda: library.ask_llm("Say hello in five words."),
    }
    print(f"Emulator round trip per call, {calls} calls each, loopback, ms")
    for name, action in cases.items():
        p50, p95 = percentiles(action, calls)
        print(f"  {name:<38} p50 {p50:6.2f}   p95 {p95:6.2f}")
    library.state.close_all()


def real_run_requests(url: str) -> list[dict]:
    env = robot_env(
        OPENAI_API_KEY="sk-benchmark-fake",
        ANTHROPIC_API_KEY="sk-benchmark-fake",
        OPENAI_BASE_URL=f"{url}/v1",
        ANTHROPIC_BASE_URL=f"{url}/anthropic",
    )
    httpx2.delete(f"{url}/_llmock/requests", timeout=10)
    with tempfile.TemporaryDirectory() as results:
        command = [sys.executable, "-m", "robot", "--include", "llm", "--outputdir", results, "--console", "none"]
        subprocess.run([*command, "suites/"], cwd=REPO, env=env, timeout=900, check=False)
    return httpx2.get(f"{url}/_llmock/requests", timeout=30).json()["requests"]


def estimated_usage(body: dict) -> Usage:
    sent = {k: body.get(k) for k in ("messages", "system", "tools", "response_format", "output_config")}
    messages = len(body.get("messages") or [])
    input_tokens = len(json.dumps(sent)) // CHARS_PER_TOKEN + TOKENS_PER_MESSAGE * messages
    output_tokens = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    return Usage(input_tokens=input_tokens, output_tokens=output_tokens)


def cost(url: str) -> None:
    prices = PriceTable.load()
    requests = [r for r in real_run_requests(url) if r.get("body")]
    total, by_model = 0.0, {}
    for request in requests:
        model = request["body"]["model"]
        usage = estimated_usage(request["body"])
        dollars = prices.cost(model, usage) or 0.0
        calls, tokens_in, tokens_out, spent = by_model.get(model, (0, 0, 0, 0.0))
        by_model[model] = (calls + 1, tokens_in + usage.input_tokens, tokens_out + usage.output_tokens, spent + dollars)
        total += dollars
    print(f"\nOne full real-provider run (robot --include llm suites/ with both keys): {len(requests)} requests")
    for model, (calls, tokens_in, tokens_out, spent) in sorted(by_model.items()):
        print(f"  {model:<20} {calls:3d} calls   <= {tokens_in:6d} in / {tokens_out:6d} out tokens   <= ${spent:.5f}")
    print(f"  estimated upper bound: ${total:.5f} per run (prices from {prices.path})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--skip-cost", action="store_true")
    arguments = parser.parse_args()
    with PrivateEmulator() as emulator:
        latency(emulator.url, arguments.calls)
        if not arguments.skip_cost:
            cost(emulator.url)


if __name__ == "__main__":
    main()
