"""What every REST v2 handler works with: the request being served, errors and reply shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .._multipart import FormFile
from .._openapi import Spec, SpecOperation
from .._store import Obj

__all__ = ["ApiError", "Call", "Raw", "bulk", "entity", "items", "success"]


class ApiError(Exception):
    """Raised by handlers: answer ``status`` with Convert's error envelope (``ErrorData``)."""

    def __init__(self, status: int, message: str | list[str], fields: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.body: Obj = {"code": status, "message": message}
        if fields is not None:
            self.body["fields"] = fields


@dataclass(frozen=True, slots=True)
class Raw:
    """A reply that is not JSON (a downloaded file)."""

    body: bytes
    content_type: str = "application/octet-stream"


@dataclass(slots=True)
class Call:
    """The request being served: operation, decoded path params, body, query and what the
    path parameters resolved to (``objects`` by parameter name, ``scope`` for the store)."""

    op: SpecOperation
    params: Mapping[str, str]
    body: Any
    query: Mapping[str, list[str]]
    scope: dict[str, int] = field(default_factory=dict)
    objects: dict[str, Obj] = field(default_factory=dict)
    session: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)

    def fields(self) -> Obj:
        """The body as a dict (empty when it is not an object)."""
        return dict(self.body) if isinstance(self.body, dict) else {}

    def item(self) -> Obj:
        """The object the last path parameter names."""
        if not self.objects:
            raise ApiError(404, "Not found")
        return list(self.objects.values())[-1]

    def obj(self, param: str) -> Obj:
        """The object path parameter ``param`` names."""
        found = self.objects.get(param)
        if found is None:
            raise ApiError(404, "Not found")
        return found

    def upload(self, name: str) -> FormFile:
        """The file uploaded as form field ``name`` (checked present by validation)."""
        value = self.fields().get(name)
        if not isinstance(value, FormFile):
            raise ApiError(422, [f"$.{name}: must be a file"], [f"$.{name}"])
        return value

    def expand(self) -> list[str]:
        """``expand[]`` names from the query, or an ``expand`` array in the body."""
        return self._names("expand")

    def include(self) -> list[str]:
        """``include[]`` names from the query, or an ``include`` array in the body."""
        return self._names("include")

    def _names(self, field: str) -> list[str]:
        names = list(self.query.get(f"{field}[]", []))
        given = self.fields().get(field)
        if isinstance(given, list):
            names += [str(name) for name in given]
        return names


# -- reply shapes: each mirrors a family of the spec's response schemas ------------------------


def success(code: int, message: str) -> Obj:
    """``SuccessData``: a status code and a message."""
    return {"code": code, "message": message}


def bulk(message: str, errors: list[Obj]) -> Obj:
    """``BulkSuccessData``: what was done, and the ids that could not be."""
    return {"code": 200, "message": message, "errors": errors}


def items(objects: list[Any], pagination: Obj | None = None) -> Obj:
    """A list reply, ``{"data": [...], "extra": {"pagination": ...}}`` when paged."""
    reply: Obj = {"data": objects}
    if pagination is not None:
        reply["extra"] = {"pagination": pagination}
    return reply


_ENVELOPE_KEYS = frozenset({"data", "extra", "code", "message", "concurrency_key"})


def entity(spec: Spec, op: SpecOperation, obj: Any, message: str = "OK") -> Any:
    """One object in the shape of ``op``'s response: ``SuccessData`` answers a message, an
    envelope schema (``{"data": ...}``) wraps the object, any other schema is the object."""
    response = op.response
    if response is None:
        return obj
    if response.ref == "SuccessData":
        return success(op.status, message)
    names = set(spec.resolve(response).properties)
    if "data" in names and names <= _ENVELOPE_KEYS:
        return {"data": obj}
    return obj


def masked(obj: Obj, name: str) -> Obj:
    """``obj`` with its secret ``name`` partially redacted (as in "abc12*****123")."""
    secret = obj.get(name)
    if not isinstance(secret, str) or not secret:
        return obj
    return {**obj, name: f"{secret[:5]}*****{secret[-3:]}"}
