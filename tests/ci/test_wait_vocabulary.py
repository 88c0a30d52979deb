"""Every keyword that takes ``timeout`` or ``retry_timeout`` documents it with the same sentence (libdoc)."""

from __future__ import annotations

import pytest
from robot.libdoc import LibraryDocumentation

from libraries.common import RETRY_TIMEOUT_DOC, TIMEOUT_DOC

LIBRARIES = [
    "libraries.agent_system.AgentSystemLibrary",
    "libraries.faults.FaultsLibrary",
    "libraries.health.HealthLibrary",
    "libraries.llm_library.LLMLibrary",
    "libraries.load.LoadLibrary",
    "libraries.postgres_library.PostgresLibrary",
    "libraries.redis_library.RedisLibrary",
    "libraries.redis_library.testing.StoppableRedis",
    "libraries.services.ServicesLibrary",
    "libraries.summary.RunFacts",
]
SENTENCES = {"timeout": TIMEOUT_DOC, "retry_timeout": RETRY_TIMEOUT_DOC}


def waiting_arguments(library: str) -> list[tuple[str, str, str]]:
    """(keyword, argument, documentation) for each ``timeout`` / ``retry_timeout`` that is not a deprecated name."""
    found = []
    for kw in LibraryDocumentation(library).keywords:
        doc = " ".join(kw.doc.split())
        for argument in kw.args:
            if argument.name in SENTENCES and f"``{argument.name}`` is the deprecated name" not in doc:
                found.append((kw.name, argument.name, doc))
    return found


@pytest.mark.parametrize("library", LIBRARIES)
def test_timeout_and_retry_timeout_are_documented_with_the_vocabulary_sentence(library):
    missing = [
        f"{keyword}: {argument}"
        for keyword, argument, doc in waiting_arguments(library)
        if SENTENCES[argument].removesuffix(".") not in doc
    ]

    assert not missing, f"Say {SENTENCES} in: {', '.join(missing)}"


def test_the_libraries_have_keywords_that_wait():
    arguments = {argument for library in LIBRARIES for _, argument, _ in waiting_arguments(library)}

    assert arguments == {"timeout", "retry_timeout"}
