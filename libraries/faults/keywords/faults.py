from __future__ import annotations

from datetime import timedelta

from robot.api import logger
from robot.api.deco import keyword

from libraries.summary import facts

from .base import FaultsComponent


def _ms(duration: timedelta) -> int:
    return int(duration.total_seconds() * 1000)


class FaultKeywords(FaultsComponent):
    """Network faults between a suite's system and one service, and restarts of its private servers."""

    @keyword("Add Latency")
    def add_latency(self, service: str, latency: timedelta, jitter: timedelta = timedelta(0)) -> None:
        """Delays every answer of ``service`` by ``latency`` (± ``jitter``).

        Example:
        | `Add Latency`    redis    300 ms
        """
        self.inject(service, "latency", "latency", "downstream", {"latency": _ms(latency), "jitter": _ms(jitter)})

    @keyword("Reset Connections")
    def reset_connections(self, service: str, after: timedelta = timedelta(0)) -> None:
        """Resets (TCP RST) every connection to ``service`` ``after`` its client sends something, until removed.

        Example:
        | `Reset Connections`    postgres
        """
        self.inject(service, "reset", "reset_peer", "upstream", {"timeout": _ms(after)})

    @keyword("Blackhole Connections")
    def blackhole_connections(self, service: str) -> None:
        """``service`` stops answering: what clients send is dropped and their connections stay open (Toxiproxy's
        ``timeout`` toxic with 0). Removing the fault closes those connections.

        Example:
        | `Blackhole Connections`    llm
        """
        self.inject(service, "blackhole", "timeout", "upstream", {"timeout": 0})

    @keyword("Limit Bandwidth")
    def limit_bandwidth(self, service: str, rate: int) -> None:
        """Answers of ``service`` arrive at ``rate`` KB/s at most.

        Example:
        | `Limit Bandwidth`    llm    5
        """
        self.inject(service, "bandwidth", "bandwidth", "downstream", {"rate": int(rate)})

    @keyword("Slice Data")
    def slice_data(
        self, service: str, average_size: int = 16, size_variation: int = 8, delay: timedelta = timedelta(0)
    ) -> None:
        """Answers of ``service`` arrive cut in pieces of about ``average_size`` bytes, ``delay`` apart.

        Example:
        | `Slice Data`    redis    average_size=4    delay=1 ms
        """
        attributes = {"average_size": int(average_size), "size_variation": int(size_variation)}
        self.inject(service, "slicer", "slicer", "downstream", {**attributes, "delay": _ms(delay) * 1000})

    @keyword("Take Service Down")
    def take_service_down(self, service: str) -> None:
        """``service`` goes away: its proxy closes every connection and refuses new ones until brought back.

        Example:
        | `Take Service Down`    redis
        """
        self.switch(service, False)

    @keyword("Bring Service Back")
    def bring_service_back(self, service: str) -> None:
        """``service`` accepts connections again (after `Take Service Down`).

        Example:
        | `Bring Service Back`    redis
        """
        self.switch(service, True)

    @keyword("Restart Private Redis")
    def restart_private_redis(self, *, keep_data: bool = True) -> None:
        """Restarts the suite's private Redis (``Start Agent System    private_redis=${True}``) on its port.

        With ``keep_data`` it comes back with everything (append-only file); without, it comes back empty.

        Example:
        | `Restart Private Redis`    keep_data=${False}
        """
        private = self.faults.private_redis
        if private is None:
            raise RuntimeError(
                "This suite has no private Redis: start the system with Start Agent System    private_redis=${True}."
            )
        before = private.pid
        private.restart(keep_data=keep_data)
        logger.info(f"Private Redis restarted ({before} -> {private.pid}), data {'kept' if keep_data else 'lost'}.")
        facts.add(
            "faults", fault="restart, data kept" if keep_data else "restart, data lost", target="redis", injected=1
        )
