"""The run summary: services and versions, tests by area, slowest tests, LLM spend, faults and load figures.

- ``RunSummary`` (a library listener imported by ``suites/__init__.robot``) records run facts in output.xml and
  writes the summary at the end of a plain ``robot`` run.
- ``python -m libraries.summary OUTPUT.xml`` writes it for any output.xml: after ``pabot`` or a ``rebot`` merge.
- `facts.add` (``Record Run Fact`` in suites) is the hook through which libraries add their figures.
"""

from .collect import summarize
from .listener import RunFacts, RunSummary

__all__ = ["RunFacts", "RunSummary", "summarize"]
