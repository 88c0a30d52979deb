"""The kit's LLM emulator: llmock's app behind a scoping layer, a program of its own like ``fault_proxy``.

Run it with ``python -m llm_emulator --port N``. Everything llmock serves is served as it is (``/v1/...``,
``/anthropic/...``, ``/_llmock/...``, ``/health``); on top of it:

- ``/scope/<scope>/<rest>`` is served as ``/<rest>`` with the JSON body's ``model`` sent as ``<model>@<scope>``
  (unless it already names a scope). A system under test given the base URL ``.../scope/<scope>/v1`` lands every
  call in ``<scope>`` whatever model it picks, so the kit's scripts for that scope reach it.
- ``/_emulator/scopes/<scope>`` reports what the calls of one scope came to (calls, tokens, faults per model),
  ``DELETE /_emulator/scopes/<scope>/scripts`` drops that scope's unconsumed scripts, and
  ``GET /_emulator/scopes/<scope>/requests?after=SEQ`` is llmock's journal of that scope only.

- ``scoping``: the ASGI layer; ``tally``: per-scope figures; ``usage``: tokens read from the answers;
  ``server``: the process.
"""
