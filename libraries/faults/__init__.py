"""A small TCP fault proxy that speaks Toxiproxy 2.x's HTTP API.

Run it with ``python -m libraries.faults.proxy_server``; start it from Python with
``libraries.faults.launcher.FaultProxyServer``. Any Toxiproxy client (``toxiproxy-python``, the Go client, curl)
drives it; a team with a real Toxiproxy points ``TOXIPROXY_URL`` at that one instead.
"""
