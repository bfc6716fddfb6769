"""Values checked against, generated from and fitted to the spec's schemas.

Three functions over :class:`~convert_async.testing._openapi.Schema` trees:

- :func:`problems` lists every way a JSON value breaks a schema (the fake answers 422 with them;
  the tests assert replies have none);
- :func:`sample` builds a valid value, with every documented property or only the required ones;
- :func:`conform` fits a stored object to a reply schema: what fits is kept, unknown fields of a
  closed object are dropped, and missing required or ill-typed parts are filled from a sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import msgspec

from ._openapi import Discriminator, Schema, Spec

__all__ = ["FitCache", "SampleMode", "conform", "problems", "sample"]

SampleMode = Literal["full", "minimal"]

# Beyond this depth a "full" sample only fills required properties: schemas are recursive
# (a project expands to experiences that expand to their project) and replies stay small.
_FULL_DEPTH = 6
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}
_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "map": "an object",
    "array": "an array",
}


# Spec.resolve builds a new Schema on every call; the fake resolves the same few hundred
# references for every reply, so resolutions are kept here. Entries hold the reference itself,
# so its id() can never be reused by another object while the entry exists.
_RESOLVED: dict[tuple[int, int], tuple[Spec, Schema, Schema]] = {}


def _resolve(spec: Spec, schema: Schema) -> Schema:
    if schema.kind != "any" or schema.ref is None:
        return schema  # not a reference: nothing to resolve (and nothing to keep)
    key = (id(spec), id(schema))
    found = _RESOLVED.get(key)
    if found is None:
        found = _RESOLVED[key] = (spec, schema, spec.resolve(schema))
    return found[2]


def _is(kind: str, value: Any) -> bool:
    """Whether ``value`` has JSON type ``kind`` (a bool is never a number)."""
    if kind in ("object", "map"):
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    expected = _TYPES.get(kind)
    if expected is None:
        return True
    if isinstance(value, bool):
        return kind == "boolean"
    return isinstance(value, expected)


def _enum_has(schema: Schema, value: Any) -> bool:
    if isinstance(value, str) and schema.enum_type in ("integer", "number"):
        return False
    return any(_same(value, allowed) for allowed in schema.enum)


def _same(value: Any, allowed: Any) -> bool:
    """``value`` equals enum value ``allowed``; the type notation writes every enum value as a
    string (``enum[1,5,10]``), so a number matches the string of the same number."""
    if (value == allowed and type(value) is not bool) or value is allowed:
        return True
    if isinstance(allowed, str) and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(allowed) == value
        except ValueError:
            return False
    return False


def _join(path: str, name: str | int) -> str:
    return f"{path}[{name}]" if isinstance(name, int) else f"{path}.{name}"


def _discriminator(schema: Schema) -> Discriminator | None:
    """The union's discriminator, if it names any tag (an unreadable mapping names none, and
    the union is then checked like one without a discriminator)."""
    found = schema.discriminator
    return found if found is not None and any(found.tags.values()) else None


def _variant_for(schema: Schema, discriminator: Discriminator, value: Any) -> Schema | None:
    """The variant of a discriminated union that ``value``'s tag names (None: no such tag)."""
    if not isinstance(value, dict):
        return None
    tag = value.get(discriminator.field)
    for variant in schema.variants:
        if str(tag) in discriminator.tags.get(variant.ref or "", ()):
            return variant
    return None


def problems(spec: Spec, schema: Schema, value: Any, path: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema``, as ``"<path>: <message>"`` strings.

    Checked: JSON types, ``required``, enums, ``nullable``, closed objects (an unknown property
    is a problem), numeric ranges, string lengths and item counts; a discriminated union checks
    the variant its tag names, any other union passes when one variant does. ``path`` is the
    JSONPath-like prefix of the messages (``$.variations[0].name``).
    """
    schema = _resolve(spec, schema)
    if value is None:
        return [] if schema.nullable or schema.kind == "any" else [f"{path}: must not be null"]
    kind = schema.kind
    if kind == "any":
        return []
    if kind == "enum":
        if _enum_has(schema, value):
            return []
        return [f"{path}: must be one of {', '.join(map(str, schema.enum))}"]
    if kind == "union":
        return _union_problems(spec, schema, value, path)
    if not _is(kind, value):
        return [f"{path}: must be {_TYPE_WORDS[kind]}"]
    found = _limit_problems(schema, value, path)
    if kind == "object":
        for name in sorted(schema.required - value.keys()):
            found.append(f"{_join(path, name)}: is required")
        for name, item in value.items():
            declared = schema.properties.get(name)
            if declared is not None:
                found += problems(spec, declared, item, _join(path, name))
            elif schema.closed:
                found.append(f"{_join(path, name)}: is not a known field")
    elif kind == "map" and schema.items is not None:
        for name, item in value.items():
            found += problems(spec, schema.items, item, _join(path, name))
    elif kind == "array" and schema.items is not None:
        for index, item in enumerate(value):
            found += problems(spec, schema.items, item, _join(path, index))
    return found


def _union_problems(spec: Spec, schema: Schema, value: Any, path: str) -> list[str]:
    discriminator = _discriminator(schema)
    if discriminator is not None:
        variant = _variant_for(schema, discriminator, value)
        if variant is None:
            field = discriminator.field
            tags = sorted({t for values in discriminator.tags.values() for t in values})
            if not isinstance(value, dict):
                return [f"{path}: must be an object"]
            return [f"{_join(path, field)}: must be one of {', '.join(tags)}"]
        return problems(spec, variant, value, path)
    best: list[str] | None = None
    for variant in schema.variants:
        found = problems(spec, variant, value, path)
        if not found:
            return []
        if best is None or len(found) < len(best):
            best = found
    return best or [f"{path}: matches no allowed shape"]


def _limit_problems(schema: Schema, value: Any, path: str) -> list[str]:
    limits = schema.limits
    if not limits:
        return []
    size: float | None = None
    unit = ""
    if isinstance(value, str):
        size, unit = len(value), " characters"
        low, high = limits.get("min_length"), limits.get("max_length")
    elif isinstance(value, list):
        size, unit = len(value), " items"
        low, high = limits.get("min_items"), limits.get("max_items")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        size = value
        low, high = limits.get("minimum"), limits.get("maximum")
    else:
        return []
    if low is not None and size < low:
        return [f"{path}: must be at least {low:g}{unit}"]
    if high is not None and size > high:
        return [f"{path}: must be at most {high:g}{unit}"]
    return []


# -- samples -----------------------------------------------------------------------------------

_STRING_FORMATS = {
    "date-time": "2025-06-02T00:00:00Z",
    "date": "2025-06-02",
    "uri": "https://www.example.com/",
    "email": "user@example.com",
}


def sample(spec: Spec, schema: Schema, *, mode: SampleMode = "full", seed: int = 0) -> Any:
    """A JSON value valid for ``schema``.

    ``mode="full"`` populates every documented property (one variant per union, picked by
    ``seed``; one item per array); ``mode="minimal"`` only required properties, with nullable
    ones null and arrays as short as allowed. The result always passes :func:`problems`.
    """
    return _Sampler(spec, mode, seed).value(schema, 0)


class _Sampler:
    def __init__(self, spec: Spec, mode: SampleMode, seed: int) -> None:
        self.spec = spec
        self.mode = mode
        self.seed = seed

    def _pick(self, count: int, depth: int) -> int:
        # Differ by depth too, so a seed varies nested unions and not only the outer one.
        return (self.seed + depth) % count if self.mode == "full" else 0

    def value(self, schema: Schema, depth: int, name: str = "") -> Any:
        schema = _resolve(self.spec, schema)
        full = self.mode == "full" and depth < _FULL_DEPTH
        if schema.nullable and not full:
            return None
        kind = schema.kind
        if kind == "enum":
            return _typed_enum(schema, schema.enum[self._pick(len(schema.enum), depth)])
        if kind == "union":
            return self._union(schema, depth)
        if kind == "object":
            names = schema.properties if full else sorted(schema.required)
            result: dict[str, Any] = {}
            for prop in names:
                declared = schema.properties.get(prop)
                result[prop] = (
                    "value" if declared is None else self.value(declared, depth + 1, prop)
                )
            return result
        if kind == "map":
            if not full or schema.items is None:
                return {}
            return {"key": self.value(schema.items, depth + 1)}
        if kind == "array":
            low = int(schema.limits.get("min_items", 0))
            high = schema.limits.get("max_items")
            count = max(low, 1 if full else 0)
            if high is not None:
                count = min(count, int(high))
            item = schema.items or Schema("any")
            return [self.value(item, depth + 1) for _ in range(count)]
        return _scalar(schema, name)

    def _union(self, schema: Schema, depth: int) -> Any:
        variants = schema.variants
        index = self._pick(len(variants), depth)
        discriminator = _discriminator(schema)
        if discriminator is None:
            return self.value(variants[index], depth)
        # Only variants with a tag can be told apart; pick among those.
        tagged = [v for v in variants if discriminator.tags.get(v.ref or "")]
        variant = tagged[index % len(tagged)]
        value = self.value(variant, depth)
        tags = discriminator.tags[variant.ref or ""]
        own = _resolve(self.spec, variant).properties.get(discriminator.field)
        if isinstance(value, dict):
            value[discriminator.field] = _typed_tag(self.spec, own, tags)
        return value


def _typed_enum(schema: Schema, value: Any) -> Any:
    if schema.enum_type == "integer" and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if schema.enum_type == "number" and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _typed_tag(spec: Spec, own: Schema | None, tags: tuple[str, ...]) -> Any:
    """The first tag the variant's own discriminator property accepts (typed like it)."""
    resolved = None if own is None else _resolve(spec, own)
    if resolved is not None and resolved.kind == "enum":
        for tag in tags:
            if _enum_has(resolved, tag):
                return next(v for v in resolved.enum if str(v) == tag)
    return tags[0]


def _scalar(schema: Schema, name: str) -> Any:
    kind = schema.kind
    low, high = schema.limits.get("minimum"), schema.limits.get("maximum")
    if kind in ("integer", "number"):
        number: float = 1 if kind == "integer" else 1.5
        if low is not None:
            number = max(number, low)
        if high is not None:
            number = min(number, high)
        return int(number) if kind == "integer" else float(number)
    if kind == "boolean":
        return True
    if kind == "string":
        text = _STRING_FORMATS.get(schema.format or "", name or "text")
        low_len = int(schema.limits.get("min_length", 0))
        high_len = schema.limits.get("max_length")
        text = text.ljust(low_len, "x")
        return text if high_len is None else text[: int(high_len)]
    return "value"  # "any": any JSON value is valid


# -- fitting stored data to a reply schema -------------------------------------------------------


FitCache = dict[tuple[int, int], tuple[bytes, Any]]
"""Fitted list items by (item schema, stored object), with the object's JSON when it was fitted."""


def _nullable(spec: Spec, schema: Schema) -> bool:
    return schema.nullable or _resolve(spec, schema).nullable


def conform(spec: Spec, schema: Schema, value: Any, cache: FitCache | None = None) -> Any:
    """``value`` fitted to ``schema`` so that :func:`problems` finds nothing.

    Valid parts are kept as they are (unknown properties of open objects too); properties a
    closed object does not declare are dropped; a missing required property, an ill-typed value
    or an unknown enum value is replaced by a minimal sample. The fake answers every success
    through this, so its stored objects never leak a shape the spec does not describe.
    """
    return _Fitter(spec, cache).fit(schema, value)


class _Fitter:
    def __init__(self, spec: Spec, cache: FitCache | None = None) -> None:
        self.spec = spec
        self.cache = cache

    def _fit_item(self, schema: Schema, item: Any) -> Any:
        """One list item, fitted once while it stays the same: paging a long list through the
        fake would otherwise walk every object's schema again on every page."""
        if self.cache is None or not isinstance(item, dict):
            return self.fit(schema, item)
        key = (id(schema), id(item))
        snapshot = msgspec.json.encode(item)
        known = self.cache.get(key)
        if known is not None and known[0] == snapshot:
            return known[1]
        fitted = self.fit(schema, item)
        self.cache[key] = (snapshot, fitted)
        return fitted

    def _fill(self, schema: Schema) -> Any:
        return sample(self.spec, schema, mode="minimal")

    def fit(self, schema: Schema, value: Any) -> Any:
        schema = _resolve(self.spec, schema)
        if value is None:
            return None if schema.nullable or schema.kind == "any" else self._fill(schema)
        kind = schema.kind
        if kind == "any":
            return value
        if kind == "union":
            return self._union(schema, value)
        if kind == "enum":
            return value if _enum_has(schema, value) else self._fill(schema)
        if not _is(kind, value):
            return self._coerce(schema, value)
        if kind == "object":
            return self._object(schema, value)
        if kind == "map" and schema.items is not None:
            return {name: self.fit(schema.items, item) for name, item in value.items()}
        if kind == "array":
            return self._array(schema, value)
        if _limit_problems(schema, value, ""):
            return self._clamp(schema, value)
        return value

    def _object(self, schema: Schema, value: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, item in value.items():
            declared = schema.properties.get(name)
            if declared is None:
                if not schema.closed:
                    result[name] = item
            elif (
                item is None and name not in schema.required and not _nullable(self.spec, declared)
            ):
                continue  # nothing stored: an optional field is left out, not made up
            else:
                result[name] = self.fit(declared, item)
        for name in schema.required - result.keys():
            declared = schema.properties.get(name)
            result[name] = "value" if declared is None else self._fill(declared)
        return result

    def _array(self, schema: Schema, value: list[Any]) -> list[Any]:
        items = value
        high = schema.limits.get("max_items")
        if high is not None:
            items = items[: int(high)]
        item_schema = schema.items or Schema("any")
        fitted = [self._fit_item(item_schema, item) for item in items]
        while len(fitted) < schema.limits.get("min_items", 0):
            fitted.append(self._fill(item_schema))
        return fitted

    def _union(self, schema: Schema, value: Any) -> Any:
        discriminator = _discriminator(schema)
        if discriminator is not None:
            variant = _variant_for(schema, discriminator, value)
            if variant is not None:
                return self.fit(variant, value)
            return sample(self.spec, schema, mode="minimal")
        for variant in schema.variants:
            if not problems(self.spec, variant, value):
                return value
        for variant in schema.variants:
            resolved = _resolve(self.spec, variant)
            if resolved.kind not in ("union", "enum") and _is(resolved.kind, value):
                return self.fit(resolved, value)
        return self._fill(schema.variants[0])

    def _coerce(self, schema: Schema, value: Any) -> Any:
        """A scalar of the wrong JSON type: keep its meaning when it converts cleanly."""
        if schema.kind in ("integer", "number") and isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                return self._fill(schema)
            if schema.kind == "integer":
                return int(number) if number.is_integer() else self._fill(schema)
            return number
        if schema.kind == "integer" and isinstance(value, float) and value.is_integer():
            return int(value)
        if (
            schema.kind == "string"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            return str(value)
        return self._fill(schema)

    def _clamp(self, schema: Schema, value: Any) -> Any:
        limits = schema.limits
        if isinstance(value, str):
            text = value[: int(limits["max_length"])] if "max_length" in limits else value
            return text.ljust(int(limits.get("min_length", 0)), "x")
        low, high = limits.get("minimum"), limits.get("maximum")
        if low is not None:
            value = max(value, low)
        if high is not None:
            value = min(value, high)
        return int(value) if schema.kind == "integer" else value
