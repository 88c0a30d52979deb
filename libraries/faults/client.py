"""A small client of Toxiproxy's HTTP API (ours or a real Toxiproxy): every request has a timeout."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from libraries.services.runtime import mask_url

from .errors import FaultProxyError

REQUEST_TIMEOUT = 5.0
SETTING = "TOXIPROXY_URL"


@dataclass(frozen=True)
class ProxyInfo:
    name: str
    listen: str
    upstream: str
    enabled: bool
    toxics: tuple[str, ...] = ()


class ToxiproxyClient:
    """``url`` is the API (``http://host:8474``); ``configured`` says it came from ``TOXIPROXY_URL``."""

    def __init__(self, url: str, *, configured: bool = False, timeout: float = REQUEST_TIMEOUT) -> None:
        if not re.match(r"https?://[^/?#]+/?$", url or ""):
            raise FaultProxyError(
                f"{SETTING} is not a Toxiproxy API URL such as http://127.0.0.1:8474 (its value is not shown); "
                f"unset it to use the run's own fault proxy."
            )
        self.url = url.rstrip("/")
        self.configured = configured
        self.timeout = timeout
        self._checked = False

    def where(self) -> str:
        return urlsplit(self.url).netloc.rsplit("@", 1)[-1]

    def check(self) -> str:
        """The server's version; one clear line naming the setting when it does not answer."""
        try:
            version = self._request("GET", "/version")
        except FaultProxyError as error:
            origin = f"{SETTING}: Toxiproxy" if self.configured else "The run's fault proxy"
            fix = f"Start it or fix {SETTING}; unset it to use the run's own fault proxy." if self.configured else ""
            raise FaultProxyError(f"{origin} at {self.where()} is not reachable ({error}). {fix}".strip()) from None
        self._checked = True
        return str(version.get("version", "?")) if isinstance(version, dict) else str(version)

    def create(self, name: str, upstream: str, listen: str = "127.0.0.1:0") -> ProxyInfo:
        """Creates the proxy, replacing one of that name (a leftover of an earlier attempt of this suite)."""
        self._ensure_checked()
        self._request("DELETE", f"/proxies/{quote(name)}", missing_ok=True)
        return _proxy(self._request("POST", "/proxies", {"name": name, "listen": listen, "upstream": upstream}))

    def get(self, name: str) -> ProxyInfo:
        return _proxy(self._request("GET", f"/proxies/{quote(name)}"))

    def names(self) -> list[str]:
        return list(self._request("GET", "/proxies"))

    def set_enabled(self, name: str, enabled: bool) -> ProxyInfo:
        return _proxy(self._request("POST", f"/proxies/{quote(name)}", {"enabled": enabled}))

    def set_upstream(self, name: str, upstream: str) -> ProxyInfo:
        return _proxy(self._request("POST", f"/proxies/{quote(name)}", {"upstream": upstream}))

    def add_toxic(self, proxy: str, name: str, kind: str, stream: str, attributes: dict[str, int]) -> None:
        body = {"name": name, "type": kind, "stream": stream, "toxicity": 1.0, "attributes": attributes}
        self._request("DELETE", f"/proxies/{quote(proxy)}/toxics/{quote(name)}", missing_ok=True)
        self._request("POST", f"/proxies/{quote(proxy)}/toxics", body)

    def remove_toxics(self, proxy: str) -> list[str]:
        toxics = [toxic["name"] for toxic in self._request("GET", f"/proxies/{quote(proxy)}/toxics") or []]
        for toxic in toxics:
            self._request("DELETE", f"/proxies/{quote(proxy)}/toxics/{quote(toxic)}", missing_ok=True)
        return toxics

    def delete(self, name: str) -> None:
        self._request("DELETE", f"/proxies/{quote(name)}", missing_ok=True)

    def _ensure_checked(self) -> None:
        if not self._checked:
            self.check()

    def _request(self, method: str, path: str, body: Any = None, *, missing_ok: bool = False) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        request.add_header("User-Agent", "agent-services-qa faults")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as failure:
            if missing_ok and failure.code == 404:
                return None
            detail = failure.read().decode(errors="replace")[:200]
            raise FaultProxyError(
                f"{method} {path} at {mask_url(self.url)} answered {failure.code}: {detail.strip()}"
            ) from None
        except (OSError, ValueError) as failure:
            reason = getattr(failure, "reason", None) or failure
            raise FaultProxyError(f"{type(failure).__name__}: {reason}") from None
        return json.loads(text) if text.strip() else None


def _proxy(body: dict[str, Any]) -> ProxyInfo:
    return ProxyInfo(
        body["name"],
        body["listen"],
        body["upstream"],
        bool(body.get("enabled", True)),
        tuple(toxic["name"] for toxic in body.get("toxics") or []),
    )
