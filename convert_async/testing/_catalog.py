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


@dataclass(frozen=True, slots=True)
class Operation:
    """One catalog operation: its name, method and path template (with its parameters' types,
    which the router ranks candidates by)."""

    name: str
    method: str
    path: str
    path_param_types: Mapping[str, str]

    @property
    def segments(self) -> tuple[str, ...]:
        """Path template split on ``/``."""
        return tuple(self.path.strip("/").split("/"))


def _operation(raw: Mapping[str, Any]) -> Operation:
    return Operation(
        name=raw["operation"],
        method=str(raw["method"]).upper(),
        path=raw["path"],
        path_param_types={p["name"]: str(p.get("type", "string")) for p in raw["path_params"]},
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
