"""Only the SDK's typed errors escape: hostile replies, hostile arguments, bad configuration.

Property tests (hypothesis, bounded) feed random bodies into every decoder of the five APIs
and random strings into every path, query and header argument of every operation.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import msgspec
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from convert_async import (
    APIResponseValidationError,
    ConfigurationError,
    ConvertClient,
    ConvertError,
    HmacAuth,
    RequestValidationError,
    SecretKeyAuth,
    Timeout,
    TrackingClient,
    giosg,
    pirsch,
    v1,
    v2,
)
from convert_async._convert.envelopes import ConvertEnvelopes
from convert_async._convert.errors import parse_convert_error
from convert_async._core.client import BaseClient
from convert_async._core.codec import CursorEnvelope, decode_json
from convert_async._core.operation import Operation
from convert_async.giosg import GiosgClient, GiosgTokenAuth
from convert_async.giosg import models as giosg_models
from convert_async.giosg.client import parse_giosg_error
from convert_async.pirsch import PirschClient, PirschOAuth
from convert_async.pirsch import models as pirsch_models
from convert_async.pirsch.client import parse_pirsch_error
from convert_async.pirsch.requests import StatisticsFilter
from convert_async.serving import models as serving_models
from convert_async.v1 import ConvertV1Client
from convert_async.v1 import models as v1_models
from convert_async.v2 import models as v2_models
from tests.conftest import ScriptedServer, json_reply

AUTH = SecretKeyAuth("k", "s")


def _nested(depth: int) -> list[Any]:
    outer: list[Any] = []
    inner = outer
    for _ in range(depth):
        inner.append([])
        inner = inner[0]
    return outer


_NESTED = _nested(100_000)
_ITSELF: dict[str, Any] = {}
_ITSELF["me"] = _ITSELF

# -- hostile reply bodies ---------------------------------------------------------------------

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_huge_numbers = st.sampled_from(
    [b"1e999", b"-1e999", b"9" * 400, b"-" + b"9" * 400, b"1e-999", b"0." + b"1" * 500]
)
_bad_utf8 = st.sampled_from([b"\xff", b"\xed\xa0\x80", b"\xc3", b"\xe2\x82", b"\x80abc"])


def _deep(depth: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


def _bodies(field_names: list[str]) -> st.SearchStrategy[bytes]:
    """Random bytes, truncated JSON, deep nesting, wrong types and huge numbers, some of them
    in the fields the decoded type declares (so they reach its field decoders)."""
    names = st.sampled_from(field_names) if field_names else st.text(max_size=8)
    fields = st.dictionaries(names, _json_values, max_size=6)
    objects = fields.map(lambda d: json.dumps(d).encode())
    wrapped = st.one_of(
        objects,
        objects.map(lambda b: b'{"data":' + b + b"}"),
        objects.map(lambda b: b'{"data":[' + b + b'],"extra":{"pagination":{}}}'),
        objects.map(lambda b: b'{"results":[' + b + b'],"next":null}'),
        objects.map(lambda b: b"[" + b + b"]"),
    )
    return st.one_of(
        st.binary(max_size=200),
        st.tuples(wrapped, st.integers(min_value=0, max_value=200)).map(lambda t: t[0][: t[1]]),
        st.tuples(st.integers(min_value=1, max_value=20_000), st.sampled_from(["array", "obj"]))
        .map(lambda t: _deep(*t))
        .flatmap(lambda deep: st.sampled_from([deep, b'{"data":' + deep + b"}"])),
        st.tuples(names, _huge_numbers).map(lambda t: b'{"%s":%s}' % (t[0].encode(), t[1])),
        st.tuples(names, _bad_utf8).map(lambda t: b'{"%s":"x%sy"}' % (t[0].encode(), t[1])),
        _json_values.map(lambda v: json.dumps(v).encode()),
        wrapped,
    )


def _structs(module: Any) -> list[type[msgspec.Struct]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, msgspec.Struct)
        and value.__module__ == module.__name__
        and not getattr(value, "__parameters__", ())
    ]


_MODEL_MODULES = {
    "v2": v2_models,
    "v1": v1_models,
    "pirsch": pirsch_models,
    "giosg": giosg_models,
    "serving": serving_models,
}


def _decoders(api: str) -> list[tuple[str, Callable[[bytes], object], list[str]]]:
    """Every way a reply of ``api`` is decoded: each model alone, in a list, and (for the
    Convert APIs) inside the ``data`` and page envelopes, or (giosg) a cursor page."""
    envelopes = ConvertEnvelopes()
    found: list[tuple[str, Callable[[bytes], object], list[str]]] = []
    for struct in _structs(_MODEL_MODULES[api]):
        names = [f.encode_name for f in msgspec.structs.fields(struct)]
        op = f"{api}.{struct.__name__}"

        def plain(body: bytes, t: Any = struct, op: str = op) -> object:
            return decode_json(body, t, operation=op)

        def listed(body: bytes, t: Any = struct, op: str = op) -> object:
            return decode_json(body, list[t], operation=op)

        found += [(op, plain, names), (op + "[]", listed, names)]
        if api in ("v1", "v2"):

            def payload(body: bytes, t: Any = struct, op: str = op) -> object:
                return envelopes.payload(body, t, operation=op)

            def page(body: bytes, t: Any = struct, op: str = op) -> object:
                return envelopes.page(body, t, operation=op)

            found += [(op + " data", payload, names), (op + " page", page, names)]
        if api == "giosg":

            def cursor(body: bytes, t: Any = struct, op: str = op) -> object:
                return decode_json(body, CursorEnvelope[t], operation=op)

            found.append((op + " cursor", cursor, names))
    if api in ("v1", "v2"):
        found.append((f"{api} count", lambda b: envelopes.count(b, operation="count"), []))
    found.append((f"{api} any", lambda b: decode_json(b, Any, operation="any"), []))
    return found


_ERROR_PARSERS = {
    "v2": parse_convert_error,
    "v1": parse_convert_error,
    "serving": parse_convert_error,
    "pirsch": parse_pirsch_error,
    "giosg": parse_giosg_error,
}


def test_every_api_has_decoders_to_fuzz() -> None:
    # A module that lost its models would make the property test below vacuous.
    counts = {api: len(_decoders(api)) for api in _MODEL_MODULES}
    assert all(count > 4 for count in counts.values()), counts
    assert counts["v2"] > 400


@pytest.mark.parametrize("api", sorted(_MODEL_MODULES))
def test_any_reply_body_decodes_or_raises_a_typed_error(api: str) -> None:
    decoders = _decoders(api)
    parser = _ERROR_PARSERS[api]

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        name, decode, names = data.draw(st.sampled_from(decoders), label="decoder")
        body = data.draw(_bodies(names), label="body")
        error: APIResponseValidationError | None = None
        try:
            decode(body)
        except APIResponseValidationError as caught:
            error = caught
        if error is not None:
            assert error.message, name  # says what was wrong
        parser(body)  # an error body parser never raises at all

    check()


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'{"data": {"name": "\xff\xfe"}}', "not valid UTF-8"),
        (b'{"data": {"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}", "nested too deeply"),
        (b'{"data": {"id": 1e999}}', "out of range"),
        (b'{"data": {"id": 12', "not valid JSON"),
    ],
)
@pytest.mark.anyio
async def test_a_hostile_reply_through_the_client_is_a_typed_error(
    server: ScriptedServer, body: bytes, says: str
) -> None:
    from aiohttp import web

    server.then(lambda request: web.Response(body=body, content_type="application/json"))
    async with ConvertClient(AUTH, base_url=server.url, max_retries=0) as client:
        with pytest.raises(APIResponseValidationError, match=says) as caught:
            await client.request("GET", "/accounts/1")
    assert caught.value.__cause__ is None


# -- hostile arguments ------------------------------------------------------------------------

_hostile_text = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x20), max_size=6),
    st.text(
        alphabet=st.sampled_from(["/", "?", "#", "%", ".", "&", "=", "[", "]", "\\", "+", " "]),
        max_size=6,
    ),
    st.sampled_from(
        [
            "..",
            ".",
            "../../accounts",
            "a\r\nX-Injected: 1",
            "a\nb",
            "\x00",
            "\ud800",
            "a\udfffb",
            "%2e%2e",
            "?x=1#f",
            "é\u2028\ufeff",
        ]
    ),
).filter(lambda s: s != "")


def _argument_names(op: Operation) -> tuple[str, ...]:
    return (*op.path_params, *op.query_params, *op.header_params)


def _examples(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` values drawn by hypothesis, to run through an async client afterwards
    (hypothesis cannot drive an async test inside anyio's event loop)."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


def _route_kept(op: Operation, prefix: str, seen_path: str, arguments: dict[str, Any]) -> None:
    """The request reached the operation's own route: every literal segment in place, each
    path value one segment that decodes back to itself, and only the declared query names."""
    raw_path, _, raw_query = seen_path.partition("?")
    segments = raw_path.removeprefix(prefix).split("/")
    template = op.path.split("/")
    assert len(segments) == len(template), (op.path, seen_path)
    for segment, part in zip(segments, template, strict=True):
        if part.startswith("{") and part.endswith("}"):
            assert segment not in (".", "..")
            assert unquote(segment) == str(arguments[part[1:-1]])
        else:
            assert segment == part
    allowed = {name for name in op.query_params} | {name + "[]" for name in op.query_params}
    names = {name for name, _ in parse_qsl(raw_query, keep_blank_values=True)}
    assert names <= allowed, (names, allowed)


def _client(api: str, url: str) -> BaseClient:
    if api == "v1":
        with pytest.warns(DeprecationWarning, match="deprecated"):
            return ConvertV1Client(AUTH, base_url=url, max_retries=0)
    if api == "pirsch":
        return PirschClient(access_key="pa_" + "k" * 40, base_url=url, max_retries=0)
    if api == "giosg":
        return GiosgClient(token="t", base_url=url, reporting_base_url=url, max_retries=0)
    return ConvertClient(AUTH, base_url=url, max_retries=0)


# Pirsch has no path or header arguments: its query values come from request Structs
# (``body_format="query"``) through build_query, fuzzed in the test after this one.
_TABLES = {"v2": v2.OPERATIONS, "v1": v1.OPERATIONS, "giosg": giosg.OPERATIONS}


@pytest.mark.anyio
@pytest.mark.parametrize("api", sorted(_TABLES))
async def test_hostile_path_query_and_header_values_never_escape_or_change_the_route(
    server: ScriptedServer, api: str
) -> None:
    operations = [
        op for op in _TABLES[api].values() if op.path_params or op.query_params or op.header_params
    ]
    assert operations
    prefix = urlsplit(server.url).path
    server.default = json_reply({})
    client = _client(api, server.url)
    sent = refused = 0
    cases = _examples(
        st.sampled_from(operations).flatmap(
            lambda op: st.fixed_dictionaries(
                {name: _hostile_text for name in _argument_names(op)}
            ).map(lambda arguments: (op, arguments))
        ),
        150,
    )
    async with client:
        for op, arguments in cases:
            server.seen.clear()
            field: str | None = None
            try:
                await client._call_raw(op, arguments, None)
            except RequestValidationError as caught:
                field = caught.field
            except ConvertError:
                continue  # a typed error from the server side of the exchange (a status)
            if field is not None:
                refused += 1
                assert field in arguments, field  # names the argument
                assert not server.seen  # refused before sending
                continue
            sent += 1
            assert len(server.seen) == 1
            seen = server.seen[0]
            assert "X-Injected" not in seen.headers
            _route_kept(op, prefix, seen.raw_path, arguments)
    assert sent
    assert refused


@pytest.mark.anyio
async def test_hostile_pirsch_query_values_are_typed_errors(server: ScriptedServer) -> None:
    assert not any(op.path_params or op.header_params for op in pirsch.OPERATIONS.values())
    server.default = json_reply({"access_token": "t", "expires_at": "2999-01-01T00:00:00Z"})
    # A lone surrogate first, so the refusal path runs whatever the random draws hold (60 of
    # them held none in about one run in 300).
    cases = [("\ud800", "a"), *_examples(st.tuples(_hostile_text, _hostile_text), 60)]
    refused = 0
    async with PirschClient("id", "secret", base_url=server.url, max_retries=0) as client:
        for path, value in cases:
            server.seen.clear()
            query = StatisticsFilter(
                domain_id=value, from_=dt.date(2024, 1, 1), to=dt.date(2024, 1, 2), path=path
            )
            try:
                await client.statistics.total_visitors(query)
            except RequestValidationError:
                refused += 1
                assert all(seen.raw_path.endswith("/token") for seen in server.seen)
            except ConvertError:
                pass
    assert refused


@pytest.mark.anyio
async def test_hostile_serving_config_arguments_are_typed_errors(server: ScriptedServer) -> None:
    server.default = json_reply({})
    tracker = TrackingClient(
        "sdk-key", account_id=1, project_id=2, config_base_url=server.url, max_retries=0
    )
    refused = 0
    cases = [
        ("a", "\ud800", "b"),  # refused whatever the random draws hold
        *_examples(st.tuples(_hostile_text, _hostile_text, _hostile_text), 60),
    ]
    async with tracker:
        for environment, token, experience in cases:
            server.seen.clear()
            try:
                await tracker.fetch_config(environment, debug_token=token, experience_id=experience)
            except RequestValidationError:
                refused += 1
                assert not server.seen
            except ConvertError:
                pass
            for seen in server.seen:
                assert "X-Injected" not in seen.headers
    assert refused


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("call", "field", "says"),
    [
        (lambda c: c.request("GET", "/x\ud800"), "path", "lone surrogate"),
        (lambda c: c.request("GET", "/x", params={"q": "\udc80"}), "q", "lone surrogate"),
        (lambda c: c.request("GET", "/x", headers={"X-A": "a\r\nb"}), "X-A", "control"),
        (lambda c: c.request("GET", "/x", headers={"X-A": "\x00"}), "X-A", "control"),
        (lambda c: c.request("POST", "/x", json={"a": "\ud800"}), "body", "lone surrogate"),
        (lambda c: c.request("GET", "/a b"), "url", "space"),
        (lambda c: c.request("POST", "/x", json={"a": 10**5000}), "body", "digits"),
        (lambda c: c.request("POST", "/x", json=_NESTED), "body", "nested too deeply"),
        (lambda c: c.request("POST", "/x", json=_ITSELF), "body", "contains itself"),
        (lambda c: c.request("GET", "/x", params={"q": 10**5000}), "q", "digits"),
        (lambda c: c.request("GET", "/x", params={"q": object()}), "q", "object"),
        (lambda c: c.request("GET", "/x", params={"q": [1, {}]}), "q", "dict"),
        (lambda c: c.request("GE T", "/x"), "method", "not an HTTP method"),
        (lambda c: c.projects.get(account_id=10**5000, project_id=2), "account_id", "digits"),
        (
            lambda c: c.experiences.get(
                account_id=1, project_id=2, experience_id=3, report_token="t\r\nX: 1"
            ),
            "report_token",
            "control character",
        ),
        (
            lambda c: c.experiences.get_by_key(
                account_id=1, project_id=2, experience_key="k\ud83d"
            ),
            "experience_key",
            "lone surrogate",
        ),
        # msgspec writes NaN and infinity as null: a revenue of NaN went out as null.
        (
            lambda c: c.request("POST", "/raw", json={"revenue": [1.5, math.nan]}),
            "body.revenue[1]",
            "NaN and infinity",
        ),
        (lambda c: c.request("POST", "/raw", json={"x": math.inf}), "body.x", "NaN"),
        # A raw TypeError from the header check.
        (lambda c: c.request("GET", "/raw", headers={"X-Page": 5}), "X-Page", "must be a string"),
        # Sent as /accounts/true/..., /accounts/1.5/..., /accounts/nan/...
        *(
            (
                lambda c, bad=bad: c.tags.get(account_id=bad, project_id=2, tag_id=3),
                "account_id",
                "must be an id",
            )
            for bad in (True, 1.5, math.nan, [1, 2])
        ),
    ],
)
async def test_unsendable_arguments_are_request_validation_errors(
    server: ScriptedServer, call: Any, field: str, says: str
) -> None:
    async with ConvertClient(AUTH, base_url=server.url) as client:
        with pytest.raises(RequestValidationError, match=says) as caught:
            await call(client)
    assert caught.value.field == field
    assert not server.seen


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: ConvertClient(AUTH, base_url="http://[::1"), "not a valid URL"),
        (lambda: ConvertClient(AUTH, base_url="ftp://example.com"), "http"),
        (lambda: ConvertClient(AUTH, base_url="https://"), "http"),
        (lambda: ConvertClient(AUTH, base_url="https://h:99999"), "not a valid URL"),
        (lambda: ConvertClient(AUTH, base_url="https://h/a b"), "space"),
        (lambda: ConvertClient(AUTH, base_url="https://h/?q=1"), "query"),
        (lambda: PirschClient(access_key="pa_" + "k" * 40, base_url="x"), "http"),
        (lambda: GiosgClient(token="t", reporting_base_url="http://[::1"), "reporting"),
        (
            lambda: TrackingClient(account_id=1, project_id=2, track_base_url="http://[::1"),
            "track",
        ),
        (lambda: ConvertClient(AUTH, base_url="http://[::1]x/"), "not a valid URL"),
        (lambda: ConvertClient(AUTH, base_url="http://" + "a" * 300 + "/"), "looked up"),
        (lambda: ConvertClient(AUTH, base_url="https://u:CANARY@h/api"), "user or password"),
        # Malformed otherwise: the URL is quoted in the error, without its user and password.
        (lambda: ConvertClient(AUTH, base_url="ftp://u:CANARY@h/"), "absolute http"),
        (lambda: ConvertClient(AUTH, base_url="u:CANARY@h/api"), "absolute http"),
        (lambda: ConvertClient(AUTH, base_url="http://u:CANARY@[::1"), "not a valid URL"),
        (lambda: ConvertClient(AUTH, base_url="http://u:CANARY@x@h x/"), "space"),
        (lambda: SecretKeyAuth("kid\r\nX-Evil: 1", "s"), "key_id contains a control"),
        (lambda: SecretKeyAuth("kid", ""), "key_secret must be a non-empty"),
        (lambda: HmacAuth("app", "s\ud800"), "secret contains a lone surrogate"),
        (lambda: HmacAuth("app", "s", expires_in=0), "expires_in"),
        (lambda: GiosgTokenAuth("t\n"), "token contains a control"),
        (lambda: PirschOAuth("id", "  "), "client_secret must be a non-empty"),
        (lambda: ConvertClient(AUTH, max_connections=0), "max_connections"),
        (lambda: ConvertClient(AUTH, page_concurrency=0), "page_concurrency"),
    ],
)
def test_bad_configuration_is_a_configuration_error(make: Any, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says) as caught:
        make()
    assert isinstance(caught.value, ConvertError)
    assert caught.value.__cause__ is None
    assert "CANARY" not in str(caught.value)


@pytest.mark.anyio
async def test_an_auth_header_a_custom_strategy_builds_is_checked_before_sending(
    server: ScriptedServer,
) -> None:
    class Injecting:
        def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
            return {"Authorization": "Token t\r\nX-Evil: 1"}

    async with ConvertClient(Injecting(), base_url=server.url) as client:
        with pytest.raises(RequestValidationError, match="control character") as caught:
            await client.request("GET", "/x")
    assert caught.value.field == "Authorization"
    assert not server.seen


def test_every_client_constructor_checks_its_base_urls() -> None:
    # The check lives in HttpSession, which every client builds: keep it that way.
    for client in (ConvertClient, ConvertV1Client, PirschClient, GiosgClient, TrackingClient):
        assert "base_url" in inspect.signature(client).parameters or client is TrackingClient


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "fast"])
@pytest.mark.parametrize(
    ("flag", "before", "after"),
    [
        ("--rate", ["reports", "export", "--project", "1", "--out", "x.csv"], []),
        ("--timeout", [], ["projects", "list"]),
    ],
)
def test_cli_rate_and_timeout_must_be_positive_usage_error(
    value: str, flag: str, before: list[str], after: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # --timeout inf was "unexpected OverflowError", nan a timeout at once, 0 and -1 none.
    from convert_async.cli import main

    with pytest.raises(SystemExit) as exited:
        main([*before, flag, value, *after])
    assert exited.value.code == 2
    stderr = capsys.readouterr().err
    assert f"argument {flag}" in stderr
    assert "unexpected" not in stderr


def test_cli_rate_below_one_request_in_100_s_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --rate 1e-300 was taken: the export then waited for its first token forever.
    from convert_async.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["reports", "export", "--project", "1", "--out", "x.csv", "--rate", "1e-300"])
    assert exited.value.code == 2
    assert "must be at least 0.01 requests per second" in capsys.readouterr().err


@pytest.mark.parametrize("timeout", [math.inf, math.nan, 0, -1.5, "5", True])
def test_a_timeout_that_is_no_positive_number_is_a_configuration_error(timeout: object) -> None:
    with pytest.raises(ConfigurationError, match="positive number of seconds"):
        ConvertClient(HmacAuth("id", "secret"), timeout=timeout)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="timeout read"):
        Timeout(read=timeout)  # type: ignore[arg-type]
    assert Timeout(total=None).total is None  # None is no limit


def test_cli_concurrency_must_be_at_least_one() -> None:
    from convert_async.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["reports", "export", "--project", "1", "--out", "x.csv", "--concurrency", "0"])
    assert exited.value.code == 2
