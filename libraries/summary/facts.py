"""The run facts hook, kept importable here: it lives in `libraries.common.facts`, which libraries use directly."""

from libraries.common.facts import METADATA_NAME, add, merge_rows

__all__ = ["METADATA_NAME", "add", "merge_rows"]
