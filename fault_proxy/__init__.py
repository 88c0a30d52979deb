"""A small TCP fault proxy that speaks Toxiproxy 2.x's HTTP API: a program of its own, standard library only.

Run it with ``python -m fault_proxy`` (``--help`` lists the options); start it from Python with
``fault_proxy.launcher.FaultProxyServer``. Any Toxiproxy client (``toxiproxy-python``, the Go client, curl, the
kit's ``libraries.faults`` keywords) drives it.

- ``server``: the process (options, signals, the API listener)
- ``api``: Toxiproxy's routes, status codes and JSON over ``http1``, a minimal HTTP/1.1 server
- ``proxies``: proxies and their toxics; ``links``: the relay of one connection; ``toxics``: what each type does
- ``errors``: the API's errors; ``launcher``: the server as a child process
"""
