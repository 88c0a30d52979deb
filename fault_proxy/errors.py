"""The errors the HTTP API reports as ``{"error": "...", "status": N}``, with Toxiproxy's messages and codes."""

from __future__ import annotations


class ApiError(Exception):
    """An error with the HTTP status the API answers it with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def to_json(self) -> dict[str, object]:
        return {"error": self.message, "status": self.status}


def bad_request(reason: str) -> ApiError:
    return ApiError(f"bad request body: {reason}", 400)


def missing_field(name: str) -> ApiError:
    return ApiError(f"missing required field: {name}", 400)


PROXY_NOT_FOUND = ("proxy not found", 404)
PROXY_EXISTS = ("proxy already exists", 409)
INVALID_STREAM = ("stream was invalid, can be either upstream or downstream", 400)
INVALID_TOXIC_TYPE = ("invalid toxic type", 400)
TOXIC_EXISTS = ("toxic already exists", 409)
TOXIC_NOT_FOUND = ("toxic not found", 404)


def error(kind: tuple[str, int]) -> ApiError:
    """One of the fixed errors above, e.g. ``error(PROXY_NOT_FOUND)``."""
    return ApiError(*kind)
