"""Routing of REST v2 requests to the spec's operations.

Routes are built from the spec's path templates (never from the client's tables), so a client
that sends a method or path the spec does not have gets the 404 / 405 the real API gives.
aiohttp's router is not used because it decodes ``%2F`` before matching, which would split one
encoded key into two segments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from .._openapi import SpecOperation

__all__ = ["BASE_PATH", "PARAM_ALIASES", "RouteMatch", "SpecRouter"]

#: Prefix of every REST v2 path on the fake; spec paths are relative to it.
BASE_PATH = "/api/v2"

#: Path parameters the spec spells two ways, by the name the fake uses for both.
PARAM_ALIASES = {"placeholderId": "placeholder_id", "id": "client_id"}


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """Result of routing one request: an operation, or the error status to answer with."""

    operation: SpecOperation | None
    path_params: Mapping[str, str]
    status: int = 200


@dataclass(frozen=True, slots=True)
class _Route:
    operation: SpecOperation
    pattern: re.Pattern[str]
    params: tuple[str | None, ...]  # per segment: parameter name, None for a literal
    types: Mapping[str, str]


class SpecRouter:
    """Matches raw (still percent-encoded) paths, relative to :data:`BASE_PATH`."""

    def __init__(self, operations: Iterable[SpecOperation]) -> None:
        self._by_length: dict[int, list[_Route]] = {}
        for op in operations:
            segments = op.path.strip("/").split("/")
            params = tuple(s[1:-1] if s.startswith("{") else None for s in segments)
            regex = "/".join(
                "([^/]+)" if name is not None else re.escape(seg)
                for seg, name in zip(segments, params, strict=True)
            )
            route = _Route(op, re.compile(f"/{regex}"), params, dict(op.path_params))
            self._by_length.setdefault(len(segments), []).append(route)

    def match(self, method: str, raw_path: str) -> RouteMatch:
        """The operation for ``method`` and ``raw_path``, or status 404 / 405."""
        path = raw_path.rstrip("/") or "/"
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
            candidates.append((_rank(route, captured), route, captured))
        if not candidates:
            return RouteMatch(None, {}, 405 if path_known else 404)
        _, best, captured = min(candidates, key=lambda c: c[0])
        params = {PARAM_ALIASES.get(k, k): unquote(v) for k, v in captured.items()}
        return RouteMatch(best.operation, params)


def _rank(route: _Route, captured: Mapping[str, str]) -> tuple[int, ...]:
    # Lower is more specific, segment by segment from the left: a literal beats a parameter,
    # and an integer parameter given digits beats a string one, so ``experiences/123`` is
    # getExperience and ``experiences/homepage-test`` getExperienceByKey. Non-digits in an
    # integer parameter rank last but still route, to answer a realistic 404.
    ranks: list[int] = []
    for name in route.params:
        if name is None:
            ranks.append(0)
        elif route.types.get(PARAM_ALIASES.get(name, name)) == "integer":
            ranks.append(1 if captured[name].isdigit() else 3)
        else:
            ranks.append(2)
    return tuple(ranks)
