"""Convert's own OpenAPI spec for REST v2, as a tree of schemas.

The packaged ``data/convert-v2-*.json`` files are facts extracted from Convert's OpenAPI 3.1 spec
(``api-evangelist/convert`` ``openapi/_original/convert-openapi.yml`` @ 1170c14): every operation,
every component schema written in a compact type notation (``"array<ref:Goal>|null (maxItems
100)"``), and each operation's success response. This module reads that notation into
:class:`Schema` trees with ``allOf`` merged, so the fake server can check bodies and shape
replies, the tests can build samples, and ``tools/gen_v2.py`` can write the SDK's Structs, all
from the same reading of the spec and none from the SDK's own tables.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Literal

__all__ = [
    "Discriminator",
    "Schema",
    "Spec",
    "SpecOperation",
    "load_spec",
]

Kind = Literal[
    "any", "string", "integer", "number", "boolean", "object", "array", "map", "enum", "union"
]
_PRIMITIVES = {"string", "integer", "number", "boolean", "object", "any"}


@dataclass(frozen=True)
class Discriminator:
    """The property that tells a ``oneOf``'s variants apart, and each variant's tag values."""

    field: str
    tags: Mapping[str, tuple[str, ...]]  # variant schema name -> its tag values, in spec order


@dataclass(frozen=True)
class Schema:
    """One schema, resolved: ``ref`` names the component it came from (if any).

    ``kind`` is the JSON shape; ``items`` is the element (``array``) or value (``map``) schema;
    ``properties``/``required``/``closed`` describe an ``object``; ``variants`` a ``union``
    (``oneOf``/``anyOf``), with ``discriminator`` when the spec names one; ``enum`` holds the
    allowed values. ``limits`` are the cheap constraints the spec states (``minimum``,
    ``maximum``, ``min_items``, ``max_items``, ``min_length``, ``max_length``).
    """

    kind: Kind
    ref: str | None = None
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    format: str | None = None
    items: Schema | None = None
    properties: Mapping[str, Schema] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    closed: bool = False
    variants: tuple[Schema, ...] = ()
    discriminator: Discriminator | None = None
    enum: tuple[Any, ...] = ()
    enum_type: str = "string"
    limits: Mapping[str, float] = field(default_factory=dict)
    default: Any = None

    def writable(self) -> dict[str, Schema]:
        """Properties a request may send (read-only ones are the server's)."""
        return {name: prop for name, prop in self.properties.items() if not prop.read_only}


@dataclass(frozen=True)
class SpecOperation:
    """One operation of the spec: its id, method, path, parameters and body / reply schemas."""

    operation_id: str
    method: str
    path: str
    summary: str
    tag: str
    path_params: tuple[tuple[str, str], ...]  # (name, "integer" | "string")
    query_params: tuple[tuple[str, Schema], ...]
    header_params: tuple[str, ...]
    body: Schema | None
    body_required: bool
    body_content_type: str | None
    status: int
    response: Schema | None
    response_content_type: str | None
    paging: str | None


class Spec:
    """The whole spec: ``operations`` by operationId and every component ``schema`` by name."""

    def __init__(
        self,
        operations: list[Mapping[str, Any]],
        components: Mapping[str, Any],
        replies: Mapping[str, Any],
    ) -> None:
        self._raw = components["schemas"]
        self._bodies = components["requestBodies"]
        self._responses = components["responses"]
        self._parameters = components["parameters"]
        self._resolving: set[str] = set()
        self.operations = {
            op["operationId"]: self._operation(op, replies[op["operationId"]]) for op in operations
        }

    # -- components ----------------------------------------------------------------------------

    @functools.cache  # noqa: B019 - one Spec per process; the cache is the point
    def schema(self, name: str) -> Schema:
        """Component schema ``name``, with ``allOf`` merged and references resolved lazily."""
        schema = _Reader(self).component(self._raw[name])
        if schema.kind == "any" and schema.ref not in (None, name):
            return self.schema(schema.ref)  # an alias of another component
        return replace(schema, ref=name)

    def names(self) -> Iterator[str]:
        """Every component schema name."""
        return iter(self._raw)

    def raw(self, name: str) -> Mapping[str, Any]:
        """Component ``name`` exactly as the evidence file writes it."""
        return self._raw[name]  # type: ignore[no-any-return]

    def resolve(self, schema: Schema) -> Schema:
        """``schema`` itself, or the component it points to when it is a bare reference."""
        while schema.kind == "any" and schema.ref is not None and schema.ref in self._raw:
            target = self.schema(schema.ref)
            if target.kind == "any":
                return replace(target, ref=None)
            schema = replace(
                target,
                nullable=schema.nullable or target.nullable,
                read_only=schema.read_only or target.read_only,
            )
        return schema

    # -- operations ----------------------------------------------------------------------------

    def _operation(self, raw: Mapping[str, Any], reply: Mapping[str, Any]) -> SpecOperation:
        path_params: list[tuple[str, str]] = []
        query: list[tuple[str, Schema]] = []
        headers: list[str] = []
        for param in raw["params"]:
            if param.startswith("$"):
                spec = self._parameters[param[1:]]
                path_params.append((spec["name"], spec["type"]))
                continue
            name, _, where = param.partition("[")
            where = where.rstrip("]")
            if where.startswith("q"):
                item = Schema("string")
                query.append((name, Schema("array", items=item) if "array" in where else item))
            elif where == "h":
                headers.append(name)
            else:
                path_params.append((name, _path_param_type(name)))
        body = body_type = None
        body_required = False
        if raw["body"]:
            spec_body = self._bodies[raw["body"]]
            body = _Reader(self).parse(spec_body["schema"].removeprefix("inline "))
            body_type = spec_body.get("content")
            body_required = bool(spec_body.get("required"))
        response = self._responses[reply["response"]]["schema"] if reply.get("response") else None
        return SpecOperation(
            operation_id=raw["operationId"],
            method=raw["method"],
            path=raw["path"],
            summary=raw["summary"],
            tag=raw["tags"][0],
            path_params=tuple(path_params),
            query_params=tuple(query),
            header_params=tuple(headers),
            body=body,
            body_required=body_required,
            body_content_type=body_type,
            status=int(reply["status"]),
            response=None if response is None else _Reader(self).parse(response),
            response_content_type=reply.get("content_type"),
            paging=raw.get("paging"),
        )


# Path parameters the spec types as strings; every other ``*_id`` is an integer.
_STRING_PATH_PARAMS = frozenset(
    {
        "key_id",
        "sdk_key",
        "signal_session_id",
        "section_id",
        "version_id",
        "image_key",
        "file_key",
        "experience_key",
        "goal_key",
        "feature_key",
        "heatmap_id",
        "visitor_id",
        "id",
        "client_id",
    }
)


def _path_param_type(name: str) -> str:
    return "string" if name in _STRING_PATH_PARAMS else "integer"


def _split_top(text: str, separators: str) -> list[str]:
    """``text`` split on ``separators`` that are outside every bracket pair."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "<[{(":
            depth += 1
        elif char in ">]})":
            depth -= 1
        elif char in separators and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


_RANGE = re.compile(r"^(-?[\d.]+)\.\.(-?[\d.]+)$")
_LIMIT_WORDS = {
    "min": "minimum",
    "minimum": "minimum",
    "max": "maximum",
    "maximum": "maximum",
    "maxItems": "max_items",
    "minItems": "min_items",
    "maxLength": "max_length",
    "minLength": "min_length",
}
_DISCRIMINATOR_PAIR = re.compile(r"^([\w/.-]+)->([.\w]+)$")


def _constraints(text: str) -> tuple[dict[str, float], Any, str | None]:
    """Limits, default and format from a parenthesised hint like ``(0..50, default 30)``."""
    limits: dict[str, float] = {}
    default: Any = None
    fmt = None
    for piece in text.split(", "):
        piece = piece.strip()
        found = _RANGE.match(piece)
        if found:
            limits["minimum"], limits["maximum"] = float(found[1]), float(found[2])
            continue
        pairs = re.findall(r"(\w+) (-?[\d.]+)(?= \w+ -?[\d.]|$)", piece)
        if len(pairs) > 1 and all(word in _LIMIT_WORDS or word == "default" for word, _ in pairs):
            # "min -43200 max 50400 default 0": several hints in one note
            for word, value in pairs:
                if word in _LIMIT_WORDS:
                    limits[_LIMIT_WORDS[word]] = float(value)
            continue
        word, _, value = piece.partition(" ")
        if word in _LIMIT_WORDS and re.fullmatch(r"-?[\d.]+", value):
            limits[_LIMIT_WORDS[word]] = float(value)
        elif word == "default":
            default = value
        elif word in {"int64", "int32", "double", "date-time", "uri", "email"}:
            fmt = word
    return limits, default, fmt


class _Reader:
    """Reads one value of the notation (a type string, an inline dict or a component)."""

    def __init__(self, spec: Spec) -> None:
        self._spec = spec

    def component(self, raw: Mapping[str, Any]) -> Schema:
        schema: Schema
        if "$ref" in raw:
            schema = self.parse(raw["$ref"])
        elif "allOf" in raw:
            inline = [part for part in raw["allOf"] if part.startswith("inline")]
            parts = [
                self._inline_object(raw, closed="additionalProperties:false" in part)
                if part in inline
                else self.parse(part)
                for part in raw["allOf"]
            ]
            if not inline and raw.get("properties"):
                parts.append(self._inline_object(raw))
            schema = self._merge(parts, raw.get("required", ()))
        elif "oneOf" in raw or "anyOf" in raw:
            schema = self._union(raw.get("oneOf") or raw["anyOf"], raw.get("discriminator"))
        elif "enum" in raw:
            values = tuple(value for value in raw["enum"] if value is not None)
            schema = Schema(
                "enum",
                enum=values,
                enum_type=raw.get("type", "string"),
                nullable=len(values) < len(raw["enum"]),
            )
        elif raw.get("type") == "array":
            items = raw.get("items", "any")
            if isinstance(items, str) and items.startswith("object") and raw.get("properties"):
                item = self._inline_object(raw)
            else:
                item = self.parse(items)
            limits = {
                key: float(raw[word])
                for word, key in (("minItems", "min_items"), ("maxItems", "max_items"))
                if word in raw
            }
            schema = Schema("array", items=item, limits=limits)
        elif raw.get("type") == "object" or "properties" in raw:
            schema = self._inline_object(raw)
            if raw.get("additionalProperties") is True:
                schema = replace(schema, closed=False)
        else:
            schema = self.parse(raw.get("type", "any"))
            if "note" in raw:  # a scalar's limits, when the spec states them only in a note
                limits, _, _ = _constraints(raw["note"])
                schema = replace(schema, limits={**schema.limits, **limits})
        return replace(
            schema,
            nullable=schema.nullable or bool(raw.get("nullable")),
            read_only=schema.read_only or bool(raw.get("readOnly")),
            default=raw.get("default", schema.default),
        )

    def _inline_object(self, raw: Mapping[str, Any], *, closed: bool = False) -> Schema:
        properties = {name: self.parse(value) for name, value in raw.get("properties", {}).items()}
        return Schema(
            "object",
            properties=properties,
            required=frozenset(raw.get("required", ())),
            closed=closed or raw.get("additionalProperties") is False,
        )

    def _merge(self, parts: list[Schema], required: Any = ()) -> Schema:
        """``allOf``: the parts' properties merged in order; a later hint refines an earlier one."""
        properties: dict[str, Schema] = {}
        needed: set[str] = set(required)
        enum_part: Schema | None = None
        for part in parts:
            part = self._spec.resolve(part)
            if part.kind == "enum":
                enum_part = part
                continue
            if part.kind != "object":
                continue
            needed |= part.required
            for name, prop in part.properties.items():
                properties[name] = _refine(properties.get(name), prop)
        if enum_part is not None and not properties:
            return enum_part
        return Schema("object", properties=properties, required=frozenset(needed))

    def _union(self, members: list[str], discriminator: str | None) -> Schema:
        variants = tuple(self.parse(member) for member in members)
        if len(variants) == 1:
            return variants[0]
        return Schema(
            "union",
            variants=variants,
            discriminator=None
            if discriminator is None
            else self._discriminator(discriminator, variants),
        )

    def _discriminator(self, text: str, variants: tuple[Schema, ...]) -> Discriminator:
        """Reads ``field (tag->Variant, ...)`` or ``field: Variant<-[tag,...]; ...``."""
        names = [variant.ref or "" for variant in variants]

        def variant_named(short: str) -> str:
            if short in names:
                return short
            suffix = short.lstrip(".")
            matches = [name for name in names if name.endswith(suffix)]
            if len(matches) != 1:
                raise ValueError(f"discriminator names unknown variant {short!r}")
            return matches[0]

        tags: dict[str, list[str]] = {name: [] for name in names}
        same_as = re.match(r"^(\w+): same as (\w+) plus (.*)$", text)
        if same_as:
            inherited = self._spec.schema(same_as[2]).discriminator
            for member_name, member_tags in (inherited.tags if inherited else {}).items():
                if member_name in tags:
                    tags[member_name] += member_tags
            text = f"{same_as[1]} ({same_as[3]})"  # the added pairs, in the usual form
        if "<-[" in text:
            field_name, _, body = text.partition(":")
            for entry in body.split(";"):
                variant, _, values = entry.strip().partition("<-[")
                if variant:
                    tags[variant_named(variant.strip())] += values.rstrip("]").split(",")
        else:
            field_name, _, body = text.partition(" (")
            for pair in filter(None, (entry.strip() for entry in body.rstrip(")").split(","))):
                found = _DISCRIMINATOR_PAIR.match(pair)
                if found is None:
                    raise ValueError(f"unreadable discriminator entry {pair!r}")
                tags[variant_named(found[2])] += found[1].split("/")
        field_name = field_name.strip()
        # A variant the mapping forgets still declares its tag values in its own enum.
        claimed = {tag for values in tags.values() for tag in values}
        for member, name in zip(variants, names, strict=True):
            declared = self._spec.resolve(member).properties.get(field_name)
            own = None if declared is None else self._spec.resolve(declared)
            if own is not None and own.kind == "enum":
                tags[name] += [str(value) for value in own.enum if str(value) not in claimed]
        return Discriminator(
            field_name, {name: tuple(dict.fromkeys(t)) for name, t in tags.items()}
        )

    def parse(self, text: Any) -> Schema:
        """One value of the notation: a type string, or an inline object/array dict."""
        if isinstance(text, Mapping):
            return self._inline(text)
        words = _split_top(text, " ")
        head, rest = (words[0], words[1:]) if words else ("any", [])
        if head.startswith("("):
            head, rest = "any", words
        schema = self._expression(head)
        for index, word in enumerate(rest):
            schema = self._modifier(schema, word, rest[index - 1] if index else "")
        return schema

    def _inline(self, raw: Mapping[str, Any]) -> Schema:
        """An inline dict: ``{"type": "object|null ro", "required": [...], "properties": ...}``."""
        shape = self.parse(raw.get("type", "object"))
        body = self._inline_object(raw)
        if shape.kind in {"array", "map"}:
            merged = replace(shape, items=body)
        elif shape.kind == "object" and shape.variants:
            parts = [
                body if part.kind == "object" and part.ref == "inline" else part
                for part in shape.variants
            ]
            merged = replace(self._merge(parts), nullable=shape.nullable)
        else:
            merged = replace(body, closed=shape.closed or body.closed)
        return replace(
            merged,
            nullable=shape.nullable,
            read_only=shape.read_only,
            deprecated=shape.deprecated,
            default=shape.default,
        )

    def _expression(self, text: str) -> Schema:
        alternatives = _split_top(text, "|")
        nullable = "null" in alternatives
        rest = [alt for alt in alternatives if alt != "null"]
        if not rest:
            return Schema("any", nullable=True)
        if len(rest) > 1:
            return Schema(
                "union", variants=tuple(self._base(alt) for alt in rest), nullable=nullable
            )
        schema = self._base(rest[0])
        return replace(schema, nullable=nullable or schema.nullable)

    def _base(self, text: str) -> Schema:
        if text.startswith("ref:"):
            return Schema("any", ref=text[4:])
        if text == "inline":
            return Schema("object", ref="inline")
        if text.startswith("{"):
            return self._braced(text)
        if text.startswith("object{"):
            return self._braced(text[len("object") :])
        if text.startswith(("array<", "map<")):
            wrapper, _, inner = text[: text.rindex(">")].partition("<")
            return Schema("array" if wrapper == "array" else "map", items=self.parse(inner))
        if text.startswith("enum["):
            values = _split_top(text[5 : text.rindex("]")], ",")
            nullable = "null" in values
            return Schema("enum", enum=tuple(v for v in values if v != "null"), nullable=nullable)
        for combinator in ("allOf", "oneOf", "anyOf"):
            if text.startswith(combinator + "["):
                members = _split_top(text[len(combinator) + 1 : text.rindex("]")], ",")
                if combinator != "allOf":
                    return self._union(members, None)
                parts = [self._expression(member) for member in members]
                if len(parts) == 1:
                    return parts[0]
                if any(part.ref == "inline" for part in parts):
                    return Schema("object", variants=tuple(parts))  # merged by _inline
                return self._merge(parts)
        name, paren, fmt = text.partition("(")
        if name in {"array", "map"}:
            return Schema(name, items=Schema("any"))  # type: ignore[arg-type]
        if name not in _PRIMITIVES:
            raise ValueError(f"unknown type {text!r}")
        return Schema(name, format=fmt.rstrip(")") if paren else None)  # type: ignore[arg-type]

    def _braced(self, text: str) -> Schema:
        properties: dict[str, Schema] = {}
        for entry in _split_top(text[1:-1], ","):
            name, _, value = entry.partition(":")
            properties[name.strip()] = self.parse(value.strip())
        return Schema("object", properties=properties)

    def _modifier(self, schema: Schema, word: str, previous: str) -> Schema:
        if word.startswith("(") and previous == "type" and schema.kind == "union":
            return replace(
                schema, discriminator=self._discriminator(f"type {word}", schema.variants)
            )
        if word == "ro":
            return replace(schema, read_only=True)
        if word == "wo":
            return replace(schema, write_only=True)
        if word == "deprecated":
            return replace(schema, deprecated=True)
        if word.startswith("enum["):
            values_text, _, tail = word[5:].partition("]")
            values = _split_top(values_text, ",")
            return Schema(
                "enum",
                enum=tuple(_typed(value, schema.kind) for value in values if value != "null"),
                enum_type=schema.kind,
                nullable=schema.nullable or "null" in tail or "null" in values,
            )
        if word.startswith(("req[", "required[")):
            names = word[word.index("[") + 1 : -1].split(",")
            return replace(schema, required=schema.required | frozenset(names))
        if word.startswith("additionalProperties:"):
            return replace(schema, closed=word.endswith("false"))
        if word.startswith("("):
            limits, default, fmt = _constraints(word[1:-1])
            return replace(
                schema,
                limits={**schema.limits, **limits},
                default=schema.default if default is None else default,
                format=schema.format or fmt,
            )
        return schema  # "disc", "type": the discriminator entry follows


def _typed(value: str, kind: str) -> Any:
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return value == "true"
    return value


def _refine(earlier: Schema | None, later: Schema) -> Schema:
    """An ``allOf`` property declared twice: a bare hint (``(override) ro``, ``required[...]``)
    refines the earlier declaration instead of replacing it, and two inline objects (or arrays
    of inline objects) merge, since a value must satisfy both declarations."""
    if earlier is None:
        return later
    if later.kind == "any" and later.ref is None:
        return replace(
            earlier,
            read_only=earlier.read_only or later.read_only,
            required=earlier.required | later.required,
        )
    if _inline_kind(earlier) == _inline_kind(later) == "object":
        return _merged_objects(earlier, later)
    old_items, new_items = earlier.items, later.items
    if (
        earlier.kind == later.kind == "array"
        and old_items is not None
        and new_items is not None
        and _inline_kind(old_items) == _inline_kind(new_items) == "object"
    ):
        return replace(
            later,
            items=_merged_objects(old_items, new_items),
            limits={**earlier.limits, **later.limits},
        )
    return later


def _inline_kind(schema: Schema) -> str | None:
    """``schema.kind`` for a schema written in place (a component reference gives None)."""
    return schema.kind if schema.ref in (None, "inline") else None


def _merged_objects(earlier: Schema, later: Schema) -> Schema:
    properties = dict(earlier.properties)
    for name, prop in later.properties.items():
        properties[name] = _refine(properties.get(name), prop)
    return replace(
        later,
        properties=properties,
        required=earlier.required | later.required,
        closed=earlier.closed and later.closed,
        nullable=earlier.nullable and later.nullable,
        read_only=earlier.read_only or later.read_only,
    )


@functools.cache
def load_spec() -> Spec:
    """The packaged spec, read once per process."""
    data = resources.files("convert_async.testing").joinpath("data")

    def read(name: str) -> Any:
        return json.loads(data.joinpath(name).read_text(encoding="utf-8"))

    return Spec(
        read("convert-v2-openapi.json")["operations"],
        read("convert-v2-components.json"),
        read("convert-v2-responses.json")["operations"],
    )
