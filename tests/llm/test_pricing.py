"""Token normalisation across providers and pricing from the table, on SDK usage objects and real emulator calls."""

from __future__ import annotations

from datetime import date

import pytest
from anthropic.types import Usage as AnthropicUsage
from openai.types import CompletionUsage
from openai.types.completion_usage import PromptTokensDetails

from libraries.llm_library.errors import LLMConfigurationError
from libraries.llm_library.pricing import PriceTable, Usage, usage_from_anthropic, usage_from_openai


@pytest.fixture(scope="module")
def prices() -> PriceTable:
    return PriceTable.load()


def test_openai_prompt_tokens_already_include_the_cached_ones():
    usage = CompletionUsage(
        prompt_tokens=1000,
        completion_tokens=50,
        total_tokens=1050,
        prompt_tokens_details=PromptTokensDetails(cached_tokens=800),
    )
    assert usage_from_openai(usage) == Usage(input_tokens=1000, cached_input_tokens=800, output_tokens=50)


def test_anthropic_input_tokens_exclude_cache_reads_and_writes():
    usage = AnthropicUsage(
        input_tokens=200, cache_read_input_tokens=800, cache_creation_input_tokens=100, output_tokens=50
    )
    normalised = usage_from_anthropic(usage)
    assert normalised == Usage(input_tokens=1100, cached_input_tokens=800, cache_write_tokens=100, output_tokens=50)
    assert normalised.uncached_input_tokens == 200


def test_the_same_prompt_costs_the_same_whichever_way_the_provider_counts(prices):
    openai_view = usage_from_openai(
        CompletionUsage(
            prompt_tokens=1_000_000,
            completion_tokens=0,
            total_tokens=1_000_000,
            prompt_tokens_details=PromptTokensDetails(cached_tokens=400_000),
        )
    )
    price = prices.find("gpt-4o-mini")
    assert price.cost(openai_view) == pytest.approx(0.6 * 0.15 + 0.4 * 0.075)


def test_anthropic_cache_reads_and_writes_are_priced_apart(prices):
    usage = usage_from_anthropic(
        AnthropicUsage(
            input_tokens=1_000_000,
            cache_read_input_tokens=1_000_000,
            cache_creation_input_tokens=1_000_000,
            output_tokens=1_000_000,
        )
    )
    assert prices.cost("claude-haiku-4-5", usage) == pytest.approx(1.00 + 0.10 + 1.25 + 5.00)


def test_dated_model_ids_use_the_row_of_their_family(prices):
    assert prices.find("claude-haiku-4-5-20251001").model == "claude-haiku-4-5"
    assert prices.find("gpt-4o-mini-2024-07-18").model == "gpt-4o-mini"
    assert prices.find("gpt-4o-2024-08-06").model == "gpt-4o"


def test_an_unknown_model_has_no_price(prices):
    assert prices.find("not-a-model") is None
    assert prices.cost("not-a-model", Usage(input_tokens=10)) is None


def test_the_newest_row_in_effect_wins(tmp_path):
    table = tmp_path / "prices.csv"
    table.write_text(
        "provider,model,input_per_mtok,cached_input_per_mtok,cache_write_per_mtok,output_per_mtok,effective_from,source\n"
        "openai,m,1,,,2,2024-01-01,old\n"
        "openai,m,3,,,4,2025-01-01,new\n"
        "openai,m,9,,,9,2099-01-01,future\n",
        encoding="utf-8",
    )
    prices = PriceTable.load(table)
    assert prices.find("m").source == "new"
    assert prices.find("m", on=date(2024, 6, 1)).source == "old"
    assert prices.find("m").cached_input_per_mtok == 3.0


def test_a_broken_price_row_names_its_line_and_the_columns(tmp_path):
    table = tmp_path / "prices.csv"
    table.write_text(
        "provider,model,input_per_mtok,cached_input_per_mtok,cache_write_per_mtok,output_per_mtok,effective_from,source\n"
        "openai,m,cheap,,,2,2024-01-01,x\n",
        encoding="utf-8",
    )
    with pytest.raises(LLMConfigurationError, match=r"Price table line 2 is invalid .* expected columns provider"):
        PriceTable.load(table)


def test_every_row_of_the_committed_table_has_a_date_and_a_source(prices):
    assert prices.prices
    assert all(p.source and p.effective_from <= date.today() for p in prices.prices)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_an_emulated_call_is_priced_from_its_tokens(library, prices, provider):
    library.connect_to_llm(provider)
    library.ask_llm("Say hello to the price table.")
    call = library.get_last_llm_call()
    usage = Usage(call["input_tokens"], call["cached_input_tokens"], call["cache_write_tokens"], call["output_tokens"])
    assert call["output_tokens"] > 0
    assert call["cost_usd"] == pytest.approx(prices.find(call["model"]).cost(usage))
