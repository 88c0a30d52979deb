"""The run summary: services and versions, tests by area, slowest tests, LLM spend, faults and load figures.

- ``RunSummary`` (a library listener imported by ``suites/__init__.robot``) records run facts in output.xml and
  writes the summary at the end of a plain ``robot`` run.
- ``python -m libraries.summary OUTPUT.xml`` writes it for any output.xml: after ``pabot`` or a ``rebot`` merge.
- `facts.add` (``Record Run Fact`` in suites) is the hook through which libraries add their figures.
- ``--history DIR`` adds the run to a history (`history`); ``python -m libraries.summary --trend`` writes the trend
  across runs from it: flaky and slowing tests, pass rate, wall time and test durations (`trend`).
"""

from .collect import summarize
from .listener import RunFacts, RunSummary

__all__ = ["RunFacts", "RunSummary", "summarize"]
