from __future__ import annotations

from robotlibcore import DynamicCore

from .keywords.baselines import BaselineKeywords
from .keywords.resources import ResourceKeywords
from .keywords.results import ResultKeywords
from .keywords.runs import RunKeywords

__version__ = "1.0.0"


class LoadLibrary(DynamicCore):
    """Load keywords: drive a named scenario with a closed model, then check its latency, errors and throughput
    against an SLA and a baseline.

    = Table of contents =

    %TOC%

    = The closed model =

    `Run Load` keeps ``concurrency`` operations in flight until ``operations`` have run or ``time_bound`` has
    passed; none starts after the bound. Each operation is bounded by ``timeout``. An operation that raises is
    an *error*; the latency of every successful one goes into an HdrHistogram (microseconds, 3 significant
    digits). While it runs, a progress line a second goes to the console; at the end the log shows one table.

    = Scenarios =

    | *Scenario*                 | *One operation*                                          | *Suite setup*    |
    | ``redis set get``          | SET a key in the suite's namespace, GET it back, compare | Open Redis Suite |
    | ``postgres insert select`` | INSERT a row into the suite schema, SELECT it back by id | Open Suite Namespace |
    | ``agent runs``             | submit an agent run, wait until it ends; it must succeed | Open Agent System Suite |

    For ``agent runs`` every submitted run is read again at the end: a run the system does not know or that
    has not finished is *lost*, a step applied more than once a *duplicate* (`Get Lost Agent Run Count`,
    `Get Duplicated Agent Step Count`).

    = Results =

    `Run Load` returns a result. Getters take it first and an optional AssertionEngine operator:
    ``Get Load Percentile    ${result}    95    <    500 ms``. Latencies are seconds as numbers; an expected
    latency may be written ``500 ms``. `Load Result Should Meet SLA` checks several thresholds at once.
    Each result is written with its encoded histogram to ``${OUTPUT_DIR}/load/`` and added to the run summary
    (section *load*); ``python -m libraries.load merge FILE...`` merges the files of pabot processes or CI
    shards exactly.

    = Baselines =

    `Load Result Should Not Regress` compares p95 with a baseline in ``resources/baselines/<name>.json``. It
    fails only when p95 is worse by more than ``relative_margin`` (default 50 %) *and* ``absolute_margin``
    (default 20 ms), with at least ``min_samples`` (default 200) samples in the result and the baseline.
    ``LOAD_BASELINE=update`` (Robot variable or environment) writes the result as the new baseline instead:
    baselines never change by themselves. The log shows the latency histogram with the baseline's over it.

    Baselines of ``agent runs`` are kept per system under test, in ``resources/baselines/<system>/<name>.json``:
    ``<system>`` is ``reference`` or ``langgraph`` for the built-in adapters (``AGENT_SYSTEM``), else the
    adapter's ``module:Class`` as a lower-case slug (``my_team.adapters:MySystem`` -> ``my_team_adapters_mysystem``).
    The Redis and PostgreSQL scenarios do not depend on the system: theirs stay in ``resources/baselines/``.
    A system without a baseline of that name is not compared and the test is *skipped*, never passed:
    ``no baseline for langgraph: recorded to results/baselines/langgraph/agent_runs.json, adopt it with
    mkdir -p resources/baselines/langgraph && cp ...``. The run writes only to its output directory; adopting the
    recorded result (reviewed, on a quiet machine) is the explicit act that adds the system's baseline.

    = Resources under load =

    While `Run Load` drives ``agent runs``, a sampler records four times a second what the system under test
    holds: the memory of each of its processes (the adapter's process registry), its PostgreSQL connections
    by state (``pg_stat_activity``, by the application name the adapter reports) against its pool limit and the
    server's ``max_connections``, and the Redis server's clients and memory. The system's memory is the sum of
    the *PSS* of its processes: forked agents share pages with their warm parent, which PSS counts once; the
    largest *RSS* of one process is reported too. `Get Peak Memory Of Agent System`,
    `Memory Growth Should Level Off` and `Connections Should Stay Below Pool Limit` check the samples; the
    picture next to the latency histogram draws them over time, and the run summary's load rows carry the peaks,
    the growth and the peak connections.
    """

    ROBOT_LIBRARY_SCOPE = "GLOBAL"
    ROBOT_LIBRARY_VERSION = __version__

    def __init__(self) -> None:
        DynamicCore.__init__(
            self, [RunKeywords(self), ResultKeywords(self), BaselineKeywords(self), ResourceKeywords(self)]
        )
