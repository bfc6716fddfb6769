"""An operation: one endpoint of one API, described as data.

Each API module keeps a table of these; typed resource methods look theirs up by name, so a
corrected path or method is a one-line change in that table.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import quote
from uuid import UUID

from .checks import as_text
from .errors import RequestValidationError

__all__ = ["Operation", "encode_path_segment", "operation_from_row", "operation_table"]

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def encode_path_segment(value: object) -> str:
    """Percent-encode one path parameter so it stays exactly one path segment.

    ``/``, ``?``, ``#`` and ``%`` are escaped, and the dot segments ``.`` and ``..`` are
    escaped too so no client, proxy or server can normalise them into a different route.

    >>> encode_path_segment("a/b?c#d")
    'a%2Fb%3Fc%23d'
    >>> encode_path_segment("..")
    '%2E%2E'
    """
    text = str(value)
    if not text:
        raise ValueError("a path parameter cannot be empty")
    encoded = quote(text, safe="")
    if encoded in {".", ".."}:
        encoded = encoded.replace(".", "%2E")
    return encoded


@dataclass(frozen=True, slots=True)
class Operation:
    """One endpoint: catalog name, where it lives in the SDK, and how it is called.

    ``reads_only`` marks a non-GET operation that only reads (list and report POSTs), which
    makes it safe to retry like a GET. ``envelope`` is ``"data"`` when the reply wraps its
    payload in ``{"data": ...}`` and ``"none"`` when the payload is the whole body.
    ``query_params`` and ``header_params`` name the arguments sent in the query string and as
    headers (``array_params``: the query arguments that are arrays, sent as ``name[]=``);
    ``body_format`` is how the body is encoded; ``auth`` is the credential kind the API expects
    (``"cookie"`` for operations reserved to session cookies). ``rate_group`` names the
    server-side quota the operation counts against, if any.
    """

    operation: str
    resource: str
    name: str
    http_method: str
    path: str
    paginated: bool = False
    reads_only: bool = False
    envelope: Literal["none", "data"] = "none"
    query_params: tuple[str, ...] = ()
    array_params: tuple[str, ...] = ()
    header_params: tuple[str, ...] = ()
    body_format: Literal["json", "multipart", "query"] = "json"
    auth: Literal["api_key", "cookie", "none"] = "api_key"
    page_shape: Literal["envelope", "bare", "cursor", "key"] = "envelope"
    base: str | None = None
    rate_group: str | None = None
    path_params: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = tuple(
            name for _, name, _, _ in string.Formatter().parse(self.path) if name is not None
        )
        object.__setattr__(self, "path_params", names)

    @property
    def retry_safe(self) -> bool:
        """Whether repeating this request cannot change anything on the server."""
        return self.http_method in _SAFE_METHODS or self.paginated or self.reads_only

    def render_path(self, params: Mapping[str, Any]) -> str:
        """The path with every ``{name}`` replaced by its encoded value.

        >>> op = Operation("get_item", "items", "get", "GET", "/items/{item_id}")
        >>> op.render_path({"item_id": "a/b"})
        '/items/a%2Fb'
        """
        encoded: dict[str, str] = {}
        for name in self.path_params:
            value = params.get(name)
            if value is None or value == "":
                raise RequestValidationError(name, f"is required by {self.operation}")
            if isinstance(value, bool) or not isinstance(value, Integral | str | UUID):
                # str() would send True, 1.5, nan or [1, 2] as an id the server never made
                # (Integral: NumPy's integers are ids too).
                raise RequestValidationError(
                    name, f"must be an id (a whole number or a string), not {value!r}"
                )
            encoded[name] = encode_path_segment(as_text(name, value))
        return self.path.format_map(encoded)


def operation_table(operations: Iterable[Operation]) -> Mapping[str, Operation]:
    """A read-only mapping from operation name to :class:`Operation`, rejecting duplicates."""
    table: dict[str, Operation] = {}
    for op in operations:
        if op.operation in table:
            raise ValueError(f"operation {op.operation!r} is declared twice")
        table[op.operation] = op
    return MappingProxyType(table)


#: Flag words every API's table may use, and the :class:`Operation` fields they set.
_FLAG_WORDS: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {
        "paged": {"paginated": True},
        "cursor": {"paginated": True, "page_shape": "cursor"},
        "keyed": {"paginated": True, "page_shape": "key"},
        "read": {"reads_only": True},
        "data": {"envelope": "data"},
        "multipart": {"body_format": "multipart"},
        "query": {"body_format": "query"},
        "cookie": {"auth": "cookie"},
        "noauth": {"auth": "none"},
    }
)
_LIST_OPTIONS = {"query": "query_params", "header": "header_params"}
_TEXT_OPTIONS = {"base": "base", "auth": "auth", "limit": "rate_group"}


def operation_from_row(
    operation: str,
    resource: str,
    name: str,
    http_method: str,
    path: str,
    flags: str = "",
    *,
    ignore: Iterable[str] = (),
    **defaults: Any,
) -> Operation:
    """Build an :class:`Operation` from one row of an API's table.

    ``flags`` is a space-separated list of words (``paged``, ``cursor``, ``keyed``, ``read``,
    ``data``, ``multipart``, ``query``, ``cookie``, ``noauth``) and options (``query=a,b[]``,
    ``header=h``, ``base=name``, ``auth=kind``, ``limit=rate group``). ``defaults`` are the
    API's own defaults for the fields the flags leave alone; words in ``ignore`` belong to
    the API module itself. An unknown word is an error, so a typo in a table fails at import.

    >>> operation_from_row("list_items", "items", "list", "POST", "/items", "paged query=q")
    ... # doctest: +ELLIPSIS
    Operation(operation='list_items', ..., paginated=True, ..., query_params=('q',), ...)
    """
    fields: dict[str, Any] = dict(defaults)
    skipped = set(ignore)
    for word in flags.split():
        key, has_value, value = word.partition("=")
        if has_value and key == "query":
            names = value.split(",")
            fields["query_params"] = tuple(name.removesuffix("[]") for name in names)
            fields["array_params"] = tuple(n.removesuffix("[]") for n in names if n.endswith("[]"))
        elif has_value and key in _LIST_OPTIONS:
            fields[_LIST_OPTIONS[key]] = tuple(value.split(","))
        elif has_value and key in _TEXT_OPTIONS:
            fields[_TEXT_OPTIONS[key]] = value
        elif not has_value and word in _FLAG_WORDS:
            fields.update(_FLAG_WORDS[word])
        elif word not in skipped:
            raise ValueError(f"{operation}: unknown flag {word!r}")
    return Operation(operation, resource, name, http_method, path, **fields)
