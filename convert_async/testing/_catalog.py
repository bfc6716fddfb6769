"""Operation catalogs read into :class:`Operation` rows, and a router over their paths.

Used by the serving fake (config + tracking API), which routes from its packaged catalog rather
than the client's tables. The REST v2 fake routes from Convert's OpenAPI spec instead
(:mod:`convert_async.testing._v2`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

__all__ = ["Operation", "RouteMatch", "Router"]

# Trailing literal segments that name an action on the collection or item before them.
_ITEM_ACTIONS = {
    "update": "update",
    "update-status": "update",
    "delete": "delete",
    "clone": "clone",
    "details": "read",
    "aggregated_report": "aggregated_report",
    "daily_report": "daily_report",
    "report_settings": "report_settings",
}
_COLLECTION_ACTIONS = {
    "add": "create",
    "create": "create",
    "bulk-update": "bulk_update",
    "bulk-delete": "bulk_delete",
}
_BARE_ITEM_ACTIONS = {"GET": "read", "PUT": "update", "DELETE": "delete"}


@dataclass(frozen=True, slots=True)
class Field:
    """One body field (or query parameter) of an operation, as the catalog describes it."""

    name: str
    type: str
    limits: Mapping[str, Any] | None
    enum: tuple[str, ...] | None
    default: Any
    required: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    """One catalog operation plus the shape the fake derives from its path template.

    ``pairs`` lists ``(collection, param)`` for every ``{param}`` with the literal segment in
    front of it; ``tail`` holds the literal segments after the last parameter. ``action`` is the
    generic behaviour the fake gives the operation (see :func:`_classify`).
    """

    name: str
    method: str
    path: str
    path_param_types: Mapping[str, str]
    query_params: tuple[Field, ...]
    body_fields: tuple[Field, ...]
    body_content_type: str | None
    response_kind: str
    envelope: str
    paginated: bool
    auth: str
    pairs: tuple[tuple[str, str], ...]
    tail: tuple[str, ...]
    action: str

    @property
    def segments(self) -> tuple[str, ...]:
        """Path template split on ``/``."""
        return tuple(self.path.strip("/").split("/"))


def _fields(raw: Sequence[Mapping[str, Any]]) -> tuple[Field, ...]:
    return tuple(
        Field(
            name=f["name"],
            type=str(f.get("type", "any")),
            limits=f.get("limits"),
            enum=tuple(f["enum"]) if f.get("enum") else None,
            default=f.get("default"),
            required=bool(f.get("required")),
        )
        for f in raw
    )


def _split_path(path: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    pairs: list[tuple[str, str]] = []
    literals: list[str] = []
    for segment in path.strip("/").split("/"):
        if segment.startswith("{"):
            pairs.append((literals[-1] if literals else "", segment[1:-1]))
            literals = []
        else:
            literals.append(segment)
    return tuple(pairs), tuple(literals)


def _classify(
    method: str,
    paginated: bool,
    kind: str,
    pairs: tuple[tuple[str, str], ...],
    tail: tuple[str, ...],
) -> str:
    """Pick the generic behaviour for an operation from its method and path suffix alone."""
    if paginated:
        return "list"
    if not tail:
        # The spec's REST forms: GET reads an item, PUT replaces it, DELETE removes it.
        return _BARE_ITEM_ACTIONS.get(method, "other") if pairs else "other"
    if tail == ("details",) and method == "POST":
        return "update"  # POST .../details updates what GET .../details reads
    if len(tail) == 1 and pairs and tail[0] in _ITEM_ACTIONS:
        return _ITEM_ACTIONS[tail[0]]
    if len(tail) == 2 and tail[1] in _COLLECTION_ACTIONS:
        return _COLLECTION_ACTIONS[tail[1]]
    if kind == "list" and method in ("GET", "POST"):
        return "collection"
    return "other"


def _operation(raw: Mapping[str, Any]) -> Operation:
    body = raw.get("body") or {}
    response = raw.get("response") or {}
    method = str(raw["method"]).upper()
    pairs, tail = _split_path(raw["path"])
    paginated = bool(raw.get("paginated"))
    kind = str(response.get("kind", "object"))
    return Operation(
        name=raw["operation"],
        method=method,
        path=raw["path"],
        path_param_types={p["name"]: str(p.get("type", "string")) for p in raw["path_params"]},
        query_params=_fields(raw.get("query_params") or []),
        body_fields=_fields(body.get("fields") or []),
        body_content_type=body.get("content_type"),
        response_kind=kind,
        envelope=str(response.get("envelope", "none")),
        paginated=paginated,
        auth=str(raw.get("auth", "api_key")),
        pairs=pairs,
        tail=tail,
        action=_classify(method, paginated, kind, pairs, tail),
    )


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """Result of routing one request: an operation, or the error status to answer with."""

    operation: Operation | None
    path_params: Mapping[str, str]
    status: int = 200


@dataclass(frozen=True, slots=True)
class _Route:
    operation: Operation
    pattern: re.Pattern[str]
    params: tuple[str | None, ...]  # per segment: parameter name, None for a literal


class Router:
    """Matches raw (still percent-encoded) request paths against catalog path templates.

    aiohttp's router is not used because it decodes ``%2F`` before matching, which would split
    one encoded key into two segments.
    """

    def __init__(self, operations: Sequence[Operation]) -> None:
        self._by_length: dict[int, list[_Route]] = {}
        for op in operations:
            segments = op.segments
            params = tuple(s[1:-1] if s.startswith("{") else None for s in segments)
            regex = "/".join(
                "([^/]+)" if name is not None else re.escape(seg)
                for seg, name in zip(segments, params, strict=True)
            )
            route = _Route(op, re.compile(f"/{regex}"), params)
            self._by_length.setdefault(len(segments), []).append(route)

    def match(self, method: str, raw_path: str) -> RouteMatch:
        """Route ``raw_path`` (relative to the catalog's base path, no query string)."""
        path = raw_path.rstrip("/") if raw_path != "/" else raw_path
        candidates: list[tuple[tuple[int, ...], _Route, dict[str, str]]] = []
        path_known = False
        for route in self._by_length.get(path.count("/"), ()):
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            path_known = True
            if route.operation.method != method.upper():
                continue
            values = iter(found.groups())
            captured = {name: next(values) for name in route.params if name is not None}
            candidates.append((self._rank(route, captured), route, captured))
        if not candidates:
            return RouteMatch(None, {}, 405 if path_known else 404)
        _, best, captured = min(candidates, key=lambda c: c[0])
        return RouteMatch(best.operation, {k: unquote(v) for k, v in captured.items()})

    @staticmethod
    def _rank(route: _Route, captured: Mapping[str, str]) -> tuple[int, ...]:
        # Lower is more specific, compared segment by segment from the left: a literal beats a
        # parameter, and an integer parameter given digits beats a string one (so ``.../123``
        # is the by-id operation, ``.../homepage-test`` the by-key one). A non-digit value in an
        # integer parameter ranks last but still routes, so it can answer a realistic 404.
        ranks: list[int] = []
        types = route.operation.path_param_types
        for name in route.params:
            if name is None:
                ranks.append(0)
            elif types.get(name) == "integer":
                ranks.append(1 if captured[name].isdigit() else 3)
            else:
                ranks.append(2)
        return tuple(ranks)
