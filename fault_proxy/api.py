"""Toxiproxy 2.x's HTTP API (api.go): the same routes, status codes, JSON fields and error bodies."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from .errors import ApiError, bad_request
from .http1 import Request, Response
from .proxies import ProxyCollection, update_fields

API_VERSION = "2.12.0"  # the Toxiproxy release whose API this server speaks
TEXT = {"Content-Type": "text/plain; charset=utf-8"}
log = logging.getLogger(__name__)

Endpoint = Callable[..., Awaitable[Response]]


class Api:
    """Routes requests to the proxy collection."""

    def __init__(self, proxies: ProxyCollection) -> None:
        self.proxies = proxies
        proxy = {"GET": self.proxy_show, "POST": self.proxy_update, "PATCH": self.proxy_update}
        toxic = {"GET": self.toxic_show, "POST": self.toxic_update, "PATCH": self.toxic_update}
        # (path pattern, {method: endpoint}); "*" matches one path segment, passed to the endpoint
        self.routes: list[tuple[list[str], dict[str, Endpoint]]] = [
            (["version"], {"GET": self.version}),
            (["reset"], {"POST": self.reset}),
            (["populate"], {"POST": self.populate}),
            (["proxies"], {"GET": self.proxy_index, "POST": self.proxy_create}),
            (["proxies", "*"], {**proxy, "DELETE": self.proxy_delete}),
            (["proxies", "*", "toxics"], {"GET": self.toxic_index, "POST": self.toxic_create}),
            (["proxies", "*", "toxics", "*"], {**toxic, "DELETE": self.toxic_delete}),
        ]

    async def handle(self, request: Request) -> Response:
        if request.headers.get("user-agent", "").startswith("Mozilla/"):
            return Response(403, b"User agent not allowed\n", dict(TEXT))  # as Toxiproxy: no calls from browsers
        for pattern, methods in self.routes:
            if len(pattern) == len(request.segments) and all(
                part in ("*", segment) for part, segment in zip(pattern, request.segments, strict=True)
            ):
                endpoint = methods.get(request.method)
                if endpoint is None:
                    return Response(405, b"", {})
                arguments = [segment for part, segment in zip(pattern, request.segments, strict=True) if part == "*"]
                try:
                    return await endpoint(request, *arguments)
                except ApiError as failure:
                    return _json(failure.to_json(), failure.status)
                except Exception as failure:
                    log.exception("%s %s failed", request.method, request.path)
                    return _json({"error": str(failure), "status": 500}, 500)
        return Response(404, b"404 page not found\n", dict(TEXT))

    # --- endpoints ---

    async def version(self, request: Request) -> Response:
        body = json.dumps({"version": API_VERSION}) + "\n"
        return Response(200, body.encode(), {"Content-Type": "application/json;charset=utf-8"})

    async def reset(self, request: Request) -> Response:
        await self.proxies.reset()
        return Response(204)

    async def populate(self, request: Request) -> Response:
        done, failure = await self.proxies.populate(_body(request))
        answer = failure.to_json() if failure else {}
        answer["proxies"] = None if done is None else [proxy.to_json() for proxy in done]
        return _json(answer, failure.status if failure else 201)

    async def proxy_index(self, request: Request) -> Response:
        return _json({name: proxy.to_json() for name, proxy in self.proxies.proxies.items()})

    async def proxy_create(self, request: Request) -> Response:
        return _json((await self.proxies.create(_body(request))).to_json(), 201)

    async def proxy_show(self, request: Request, name: str) -> Response:
        return _json(self.proxies.get(name).to_json())

    async def proxy_update(self, request: Request, name: str) -> Response:
        proxy = self.proxies.get(name)
        await proxy.update(*update_fields(_body(request), proxy))
        return _json(proxy.to_json())

    async def proxy_delete(self, request: Request, name: str) -> Response:
        await self.proxies.remove(name)
        return Response(204)

    async def toxic_index(self, request: Request, name: str) -> Response:
        return _json([toxic.to_json() for toxic in self.proxies.get(name).ordered_toxics()])

    async def toxic_create(self, request: Request, name: str) -> Response:
        proxy = self.proxies.get(name)
        return _json((await proxy.add_toxic(_body(request))).to_json())

    async def toxic_show(self, request: Request, name: str, toxic: str) -> Response:
        return _json(self.proxies.get(name).toxic(toxic).to_json())

    async def toxic_update(self, request: Request, name: str, toxic: str) -> Response:
        proxy = self.proxies.get(name)
        return _json((await proxy.update_toxic(toxic, _body(request))).to_json())

    async def toxic_delete(self, request: Request, name: str, toxic: str) -> Response:
        await self.proxies.get(name).remove_toxic(toxic)
        return Response(204)


def _body(request: Request) -> object:
    if not request.body.strip():
        raise bad_request("EOF")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as failure:
        raise bad_request(str(failure)) from None


def _json(value: object, status: int = 200) -> Response:
    return Response(status, json.dumps(value).encode())
