"""``TrackingClient``: project config and event tracking for the Convert serving API."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import ssl
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Final, Self, TypeVar

from .._convert import parse_convert_error
from .._core._constants import DEFAULT_MAX_CONNECTIONS
from .._core.client import ClientOptions
from .._core.codec import check_encoded_size, decode_json, encode_json, validate_request
from .._core.errors import (
    ClientStateError,
    ConfigurationError,
    ConvertError,
    RequestValidationError,
)
from .._core.events import (
    Batch,
    EventSender,
    OverflowPolicy,
    SenderStats,
    check_wait,
    uncancellable,
)
from .._core.operation import Operation
from .._core.redaction import REDACTED
from .._core.retry import RetryPolicy
from .._core.session import HttpSession, Timeout, build_query
from .._core.spool import MAX_EVENT_BYTES
from ._operations import OPERATIONS
from .models import (
    GOAL_DATA_KEYS,
    EventData,
    GoalDataItem,
    ProjectConfig,
    ProjectOptionalSettings,
    ProjectSettings,
    TrackingEvent,
    TrackingPayload,
    VisitorData,
    VisitorEvent,
    VisitorPayload,
    VisitorSegments,
)

__all__ = [
    "CONVERT_AGENT",
    "DEFAULT_CONFIG_BASE_URL",
    "DEFAULT_SOURCE",
    "DEFAULT_TRACK_BASE_URL",
    "TrackingClient",
]

logger = logging.getLogger("convert_async.serving")

#: Environment variables that override the default base URLs (to point at a fake or a proxy).
ENV_CONFIG_BASE_URL = "CONVERT_CONFIG_BASE_URL"
ENV_TRACK_BASE_URL = "CONVERT_TRACK_BASE_URL"

T = TypeVar("T")

#: Where every official SDK fetches config from (the CDN).
DEFAULT_CONFIG_BASE_URL: Final = "https://cdn-4.convertexperiments.com/api/v1"
#: Where every official SDK sends events; ``[project_id]`` is replaced by the project id.
DEFAULT_TRACK_BASE_URL: Final = "https://[project_id].metrics.convertexperiments.com/v1"
#: Without this User-Agent the metrics bot filter answers 200 and silently drops the events.
CONVERT_AGENT: Final = "ConvertAgent/1.0"
#: ``source`` sent with every batch. The official Python SDK also sends "js-sdk": it is a value
#: the backend is known to accept, and an unrecognised one could be filtered out silently.
DEFAULT_SOURCE: Final = "js-sdk"
#: How long ``async with`` waits on exit for queued events to be delivered.
DEFAULT_CLOSE_TIMEOUT: Final = 30.0

_PROJECT_PLACEHOLDERS = ("[project_id]", "{project_id}")
# Tracking batches are retried by the event sender (which also splits on 413 and spools); the
# request itself must go out exactly once per attempt the sender makes.
_SEND_ONCE = RetryPolicy(max_retries=0)
_JSON = "application/json"


class _Secret:
    """A credential that never shows up in a repr, a log line or an exception."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return REDACTED


class TrackingClient:
    """Fetch project config and send tracking events to Convert's serving API.

    Config comes from ``{config_base_url}/config/{sdk_key}`` (or
    ``/config/{account_id}/{project_id}`` without an SDK key); events go to
    ``{track_base_url}/track/{sdk_key}`` (or ``/track/{account_id}/{project_id}``), with
    ``[project_id]`` in ``track_base_url`` replaced by the project id as the official SDKs do.
    ``CONVERT_CONFIG_BASE_URL`` / ``CONVERT_TRACK_BASE_URL`` override the defaults (a fake, a
    proxy). When the SDK key has a secret, it is sent as ``Authorization: Bearer <secret>``.

    ``track_bucketing`` and ``track_conversion`` are plain functions that only queue the event
    (they never wait on the network): a background sender delivers the queue in batches (one
    POST per ``batch_size`` events or per ``flush_interval`` seconds), retrying 408/429/5xx and
    connection errors with backoff, and spooling what is still undelivered at close to
    ``spool_path`` when one is set. ``async with`` opens the connection pool and starts the
    sender; leaving it delivers what is queued (for up to ``close_timeout`` seconds)::

        async with TrackingClient("10022898-10025986", "secret", account_id=10022898,
                                  project_id=10025986) as tracker:
            config = await tracker.fetch_config(environment="production")
            tracker.track_bucketing("visitor-1", experience_id="100", variation_id="200")
            tracker.track_conversion("visitor-1", goal_id="300", revenue=49.99)
            await tracker.flush(timeout=5)
            print(tracker.stats)

    Options: ``environment`` is the default environment for :meth:`fetch_config`;
    ``enrich_data`` asks the backend to fill in stored bucketing and segments (send ``False``
    only if you keep bucketing yourself); ``source`` is sent with every batch (default
    ``"js-sdk"``, the value the official Python SDK sends); ``config_refresh_interval`` (seconds)
    refetches the config in the background, keeping the last good one when a refresh fails;
    ``debug_token`` makes draft and paused experiences visible; ``timeout``, ``max_retries`` and
    ``retry`` apply to config requests and to the sender's retries of tracking batches;
    ``overflow`` (``drop_newest``, ``drop_oldest``, ``block`` or ``spool``) says what happens
    when ``max_queue_size`` events are waiting; ``spool_path`` names a folder where accepted
    events are kept on disk until delivered (see docs/tracking.md).

    ``track_*`` raise :class:`~convert_async.ClientStateError` unless the client is open:
    events accepted by a client that never runs would never leave.
    """

    def __init__(
        self,
        sdk_key: str | None = None,
        sdk_key_secret: str | None = None,
        *,
        account_id: str | int,
        project_id: str | int,
        config_base_url: str | None = None,
        track_base_url: str | None = None,
        environment: str | None = None,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        batch_size: int = 100,
        max_batch_bytes: int = 256_000,
        flush_interval: float = 1.0,
        max_queue_size: int = 10_000,
        overflow: OverflowPolicy = "drop_newest",
        max_in_flight: int = 4,
        spool_path: str | os.PathLike[str] | None = None,
        enrich_data: bool = True,
        source: str = DEFAULT_SOURCE,
        config_refresh_interval: float | None = None,
        debug_token: str | None = None,
        close_timeout: float | None = DEFAULT_CLOSE_TIMEOUT,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        verify_ssl: bool | ssl.SSLContext = True,
    ) -> None:
        if sdk_key_secret and not sdk_key:
            raise ConfigurationError("sdk_key_secret needs the sdk_key it belongs to")
        # Checked before use: the project id becomes part of the default tracking host name.
        account = _id("account_id", account_id)
        project = _id("project_id", project_id)
        if not isinstance(source, str) or not _is_utf8(source):
            raise ConfigurationError("source must be text that can be sent as JSON")
        if not isinstance(enrich_data, bool):
            raise ConfigurationError("enrich_data must be True or False")
        if config_refresh_interval is not None and not 0 < config_refresh_interval < math.inf:
            raise ConfigurationError("config_refresh_interval must be a positive number of seconds")
        config_base_url = (
            config_base_url or os.environ.get(ENV_CONFIG_BASE_URL) or DEFAULT_CONFIG_BASE_URL
        )
        track_base_url = (
            track_base_url or os.environ.get(ENV_TRACK_BASE_URL) or DEFAULT_TRACK_BASE_URL
        )
        track = track_base_url.rstrip("/")
        for placeholder in _PROJECT_PLACEHOLDERS:
            track = track.replace(placeholder, project)
        self._http = HttpSession(
            base_url=config_base_url,
            base_urls={"config": config_base_url, "track": track},
            auth=None,
            max_connections=max_connections,
            user_agent=CONVERT_AGENT,
            verify_ssl=verify_ssl,
            error_parser=parse_convert_error,
        )
        options = ClientOptions.build(
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            retry_writes=False,
            page_concurrency=1,
        )
        self._options = options
        self.sdk_key = sdk_key or None
        self.account_id = account
        self.project_id = project
        self.environment = environment
        self.enrich_data = enrich_data
        self.source = source
        self.config_refresh_interval = config_refresh_interval
        check_wait(close_timeout, "close_timeout")
        self.close_timeout = close_timeout
        self.track_base_url = track
        self.config_base_url = self._http.base_url
        self._secret = _Secret(sdk_key_secret) if sdk_key_secret else None
        self._debug_token = _Secret(debug_token) if debug_token else None
        self._track_operation = OPERATIONS[
            "send_tracking_events_by_sdk_key" if self.sdk_key else "send_tracking_events"
        ]
        ids = {
            "sdk_key": self.sdk_key,
            "account_id": self.account_id,
            "project_id": self.project_id,
        }
        self._track_url = self._url(self._track_operation, ids)
        # The sender keeps the core retry policy unless the caller chose one or a retry count.
        sender_retry = None if retry is None and max_retries is None else options.retry
        self._sender: EventSender[TrackingEvent] = EventSender(
            self._deliver,
            event_type=TrackingEvent,
            encode=self._encode_batch,
            max_queue_size=max_queue_size,
            overflow=overflow,
            batch_size=batch_size,
            max_batch_bytes=max_batch_bytes,
            flush_interval=flush_interval,
            max_in_flight=max_in_flight,
            retry=sender_retry,
            spool_path=spool_path,
            check=_check_event,
            name="convert_async.tracking",
        )
        self._config: ProjectConfig | None = None
        self._config_error: ConvertError | None = None
        self._refresh_task: asyncio.Task[None] | None = None
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"TrackingClient(sdk_key={self.sdk_key!r}, "
            f"sdk_key_secret={REDACTED if self._secret else None!r}, "
            f"account_id={self.account_id!r}, project_id={self.project_id!r}, "
            f"config_base_url={self.config_base_url!r}, track_base_url={self.track_base_url!r})"
        )

    # -- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> Self:
        """Open the connection pool, start the sender and the config refresh (``async with``
        does this for you).

        Raises :class:`~convert_async.SpoolError` when ``spool_path`` cannot be used; nothing
        stays open then.
        """
        if self._closed:
            raise ClientStateError("this TrackingClient was closed; create a new one")
        try:
            await self._http.open()
            await self._sender.start()
        except BaseException:
            self._closed = True
            await uncancellable(self._http.close())
            raise
        if self.config_refresh_interval is not None and self._refresh_task is None:
            self._refresh_task = asyncio.create_task(
                self._refresh_config(self.config_refresh_interval),
                name="convert_async:config-refresh",
            )
        return self

    async def aclose(self, timeout: float | None = None) -> None:
        """Stop the config refresh, deliver queued events (for up to ``timeout`` seconds, or
        until retries give up when None), then close the connection pool.

        Events still undelivered stay in the spool when ``spool_path`` is set, otherwise they
        are counted in ``stats.failed``. Cancel-safe: a cancelled close still stops the sender
        before the pool closes, and the cancellation is raised afterwards.
        """
        self._closed = True
        refresh, self._refresh_task = self._refresh_task, None
        if refresh is not None:
            refresh.cancel()
        try:
            await self._sender.aclose(timeout)
        finally:
            await uncancellable(self._close_pool(refresh))

    async def _close_pool(self, refresh: asyncio.Task[None] | None) -> None:
        if refresh is not None:
            await asyncio.wait([refresh])
        await self._http.close()

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose(self.close_timeout)

    # -- config -------------------------------------------------------------------------------

    @property
    def config(self) -> ProjectConfig | None:
        """The last project config fetched successfully (None before the first one)."""
        return self._config

    @property
    def config_error(self) -> ConvertError | None:
        """Why the last background config refresh failed (None once a refresh succeeds)."""
        return self._config_error

    async def fetch_config(
        self,
        environment: str | None = None,
        *,
        low_cache: bool = False,
        debug_token: str | None = None,
        experience_id: str | int | None = None,
    ) -> ProjectConfig:
        """Fetch the project's config (by SDK key when the client has one).

        ``environment`` defaults to the client's; ``low_cache`` bypasses the CDN cache
        (``_conv_low_cache=1``, also sent with a debug token); ``debug_token`` (default: the
        client's) reveals draft and paused experiences and is sent both as the
        ``convert-debug-token`` header and the ``debug_token`` query parameter, as the official
        SDKs do; ``experience_id`` asks for the config of that one experience (``exp=``, used to
        preview). A full config becomes :attr:`config`.

        Example::

            config = await tracker.fetch_config("staging", low_cache=True)
        """
        token = debug_token or (self._debug_token.reveal() if self._debug_token else None)
        arguments: dict[str, Any] = {
            "sdk_key": self.sdk_key,
            "account_id": self.account_id,
            "project_id": self.project_id,
            "environment": environment or self.environment,
            "_conv_low_cache": 1 if low_cache or token else None,
            "debug_token": token,
            "convert-debug-token": token,
            "exp": None if experience_id is None else str(experience_id),
        }
        name = "get_project_config_by_sdk_key" if self.sdk_key else "get_project_config"
        config = await self._get(OPERATIONS[name], arguments, ProjectConfig)
        if experience_id is None:
            self._config = config
        return config

    async def get_project_settings(self) -> ProjectSettings:
        """The project's minimal settings (jQuery inclusion, SPA support, script version)."""
        arguments = {"account_id": self.account_id, "project_id": self.project_id}
        return await self._get(OPERATIONS["get_project_settings"], arguments, ProjectSettings)

    async def get_project_optional_settings(self) -> ProjectOptionalSettings:
        """The project's optional settings (visitor insights)."""
        arguments = {"account_id": self.account_id, "project_id": self.project_id}
        op = OPERATIONS["get_project_optional_settings"]
        return await self._get(op, arguments, ProjectOptionalSettings)

    async def get_visitor_data(self, visitor_id: str) -> VisitorData:
        """What the tracking backend stores about ``visitor_id`` (by SDK key when set).

        Example::

            data = await tracker.get_visitor_data("visitor-1")
        """
        arguments = {
            "sdk_key": self.sdk_key,
            "account_id": self.account_id,
            "project_id": self.project_id,
            "visitor_id": visitor_id,
        }
        name = "get_visitor_data_by_sdk_key" if self.sdk_key else "get_visitor_data"
        return await self._get(OPERATIONS[name], arguments, VisitorData)

    async def _refresh_config(self, interval: float) -> None:
        # The first fetch happens at once so `config` fills in soon after `async with`.
        while True:
            try:
                await self.fetch_config()
            except ConvertError as exc:
                self._config_error = exc
                logger.warning("config refresh failed; keeping the last good config: %s", exc)
            except Exception:
                # A bug must not end the refresh for the rest of the process's life.
                logger.exception("config refresh raised unexpectedly; keeping the last config")
            else:
                self._config_error = None
            await asyncio.sleep(interval)

    # -- tracking -----------------------------------------------------------------------------

    @property
    def stats(self) -> SenderStats:
        """The event sender's counters: enqueued, sent, retried, dropped, failed, spooled,
        queue_depth, in_flight."""
        return self._sender.stats

    def track_bucketing(
        self,
        visitor_id: str,
        experience_id: str | int,
        variation_id: str | int,
        *,
        segments: VisitorSegments | None = None,
    ) -> bool:
        """Queue "``visitor_id`` was bucketed into ``variation_id`` of ``experience_id``".

        Never waits: returns False when the event was refused (queue full, or the client is
        closing). Ids are positive integers or strings of digits.

        Example::

            tracker.track_bucketing("visitor-1", "100", "200")
            # -> True
        """
        data = EventData(
            experience_id=_id("experience_id", experience_id),
            variation_id=_id("variation_id", variation_id),
        )
        return self._sender.offer(_event(visitor_id, "bucketing", data, _segments(segments)))

    def track_conversion(
        self,
        visitor_id: str,
        goal_id: str | int,
        *,
        revenue: float | None = None,
        products_count: int | None = None,
        transaction_id: str | None = None,
        goal_data: Mapping[str, int | float | str | Sequence[str]] | None = None,
        bucketing: Mapping[str | int, str | int] | None = None,
        segments: VisitorSegments | None = None,
    ) -> bool:
        """Queue a conversion of ``goal_id`` by ``visitor_id``; never waits.

        ``revenue``, ``products_count`` and ``transaction_id`` become the goal data keys
        ``amount``, ``productsCount`` and ``transactionId``; ``goal_data`` may add
        ``customDimension1`` .. ``customDimension5`` (any other key raises
        :class:`~convert_async.RequestValidationError`). ``bucketing`` maps experience ids to the
        visitor's variation ids. Returns False when the event was dropped.

        Example::

            tracker.track_conversion("visitor-1", "300", revenue=49.99,
                                     goal_data={"customDimension1": "blue"})
            # -> True
        """
        items: list[GoalDataItem] = []
        if revenue is not None:
            items.append(GoalDataItem(key="amount", value=_number("revenue", revenue)))
        if products_count is not None:
            if type(products_count) is not int or products_count < 0:
                raise RequestValidationError("products_count", "must be a non-negative integer")
            items.append(GoalDataItem(key="productsCount", value=products_count))
        if transaction_id is not None:
            given: object = transaction_id  # an int is taken too, as its digits
            if type(given) is int and -_INT_LIMIT < given < _INT_LIMIT:
                given = str(given)
            if type(given) is not str:
                raise RequestValidationError("transaction_id", "must be a string")
            items.append(GoalDataItem(key="transactionId", value=given))
        if goal_data:
            items.extend(_goal_data_items(goal_data, given={item.key for item in items}))
        data = EventData(
            goal_id=_id("goal_id", goal_id),
            goal_data=tuple(items) or None,
            bucketing_data=_bucketing(bucketing) if bucketing else None,
        )
        return self._sender.offer(_event(visitor_id, "conversion", data, _segments(segments)))

    async def send(self, event: TrackingEvent) -> bool:
        """Queue a ready-made event, waiting for room when ``overflow="block"``.

        Example::

            await tracker.send(TrackingEvent(visitor_id="v1", event_type="conversion",
                                             data=EventData(goal_id="300")))
            # -> True

        Raises :class:`~convert_async.RequestValidationError` for an event the API would
        refuse (checked here: queued, it would fail its whole batch).
        """
        _check_event(event)
        return await self._sender.put(event)

    async def flush(self, timeout: float | None = None) -> bool:
        """Send everything queued so far; True once all of it settled within ``timeout``.

        "Settled" includes events the server rejected (see ``stats.failed``).
        """
        return await self._sender.flush(timeout)

    def _encode_batch(self, events: Sequence[TrackingEvent]) -> bytes:
        """The body of one ``POST /track``: the events grouped by visitor, in order."""
        visitors: dict[str, VisitorPayload] = {}
        for event in events:
            wire_event = VisitorEvent(event_type=event.event_type, data=event.data)
            visitor = visitors.get(event.visitor_id)
            if visitor is None:
                visitors[event.visitor_id] = VisitorPayload(
                    visitor_id=event.visitor_id, events=[wire_event], segments=event.segments
                )
                continue
            visitor.events.append(wire_event)
            if event.segments is not None:
                visitor.segments = event.segments  # the latest known segments win
        payload = TrackingPayload(
            account_id=self.account_id,
            project_id=self.project_id,
            enrich_data=self.enrich_data,
            source=self.source,
            visitors=list(visitors.values()),
        )
        return encode_json(payload)

    async def _deliver(self, batch: Batch[TrackingEvent]) -> None:
        """Send one batch as one POST; errors propagate for the sender to retry or count."""
        await self._http.send(
            self._track_operation.http_method,
            self._track_url,
            body=batch.body,
            content_type=_JSON,
            headers=self._auth_headers(self._track_operation),
            retry_safe=False,
            timeout=self._options.timeout,
            retry=_SEND_ONCE,
        )

    # -- plumbing -----------------------------------------------------------------------------

    def _url(self, op: Operation, arguments: Mapping[str, Any]) -> str:
        query = build_query({name: arguments.get(name) for name in op.query_params})
        return self._http.url_for(op.render_path(arguments), query, base=op.base)

    def _auth_headers(self, op: Operation) -> dict[str, str]:
        # Only the SDK-key endpoints take the secret; the default ones need no credentials.
        if op.auth == "api_key" and self._secret is not None:
            return {"Authorization": f"Bearer {self._secret.reveal()}"}
        return {}

    async def _get(self, op: Operation, arguments: Mapping[str, Any], response_type: type[T]) -> T:
        headers = self._auth_headers(op)
        headers.update(
            {name: str(arguments[name]) for name in op.header_params if arguments.get(name)}
        )
        response = await self._http.send(
            op.http_method,
            self._url(op, arguments),
            headers=headers,
            retry_safe=op.retry_safe,
            timeout=self._options.timeout,
            retry=self._options.retry,
        )
        return decode_json(response.body, response_type, operation=op.operation)


def _id(name: str, value: object) -> str:
    """``value`` as the id string the API takes: a positive integer or a string of digits."""
    if type(value) is str:
        if len(value) <= _ID_DIGITS and value.isascii() and value.isdigit() and value.strip("0"):
            return value
    elif type(value) is int and 0 < value < _INT_LIMIT:
        return str(value)
    raise RequestValidationError(
        name, f"must be a positive integer or a string of at most {_ID_DIGITS} digits"
    )


def _is_utf8(text: str) -> bool:
    """Whether ``text`` has a UTF-8 form (no lone surrogate)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _number(name: str, value: object) -> int | float:
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if -_INT_LIMIT < value < _INT_LIMIT:
            return value
    elif isinstance(value, float) and math.isfinite(value):
        return value
    raise RequestValidationError(name, "must be a finite number")


#: Integers beyond 64 bits are refused as ids and amounts: no server stores them, and ten
#: thousand digits would stop ``str()`` itself (Python's digit limit).
_INT_LIMIT: Final = 2**63
_ID_DIGITS: Final = 20


def _bucketing(bucketing: object) -> dict[str, str]:
    if not isinstance(bucketing, Mapping):
        raise RequestValidationError("bucketing", "must map experience ids to variation ids")
    return {
        _id("bucketing experience_id", experience): _id("bucketing variation_id", variation)
        for experience, variation in bucketing.items()
    }


def _segments(segments: object) -> VisitorSegments | None:
    if segments is None:
        return None
    if not isinstance(segments, VisitorSegments):
        raise RequestValidationError("segments", "must be a VisitorSegments")
    validate_request(segments, operation="segments")
    return segments


_REQUIRED_DATA: Final[dict[str, tuple[str, ...]]] = {
    "bucketing": ("experience_id", "variation_id"),
    "conversion": ("goal_id",),
}


def _check_event(event: TrackingEvent) -> None:
    """What the tracking API requires of an event, beyond what ``track_*`` build themselves."""
    if not isinstance(event, TrackingEvent):
        raise RequestValidationError("event", "must be a TrackingEvent")
    validate_request(event, operation="send_tracking_events")  # the field types
    _event(event.visitor_id, event.event_type, event.data, event.segments)
    required = _REQUIRED_DATA.get(event.event_type)
    if required is None:
        raise RequestValidationError("event_type", f"must be one of {', '.join(_REQUIRED_DATA)}")
    for name in required:
        if getattr(event.data, name) is None:
            raise RequestValidationError(f"data.{name}", f"required for a {event.event_type} event")
    for name in ("experience_id", "variation_id", "goal_id"):
        if (value := getattr(event.data, name)) is not None:
            _id(f"data.{name}", value)
    if event.data.bucketing_data is not None:
        _bucketing(event.data.bucketing_data)
    for item in event.data.goal_data or ():
        if not isinstance(item, GoalDataItem):
            raise RequestValidationError("data.goal_data", "must hold GoalDataItem values")
        if item.key not in GOAL_DATA_KEYS:
            raise RequestValidationError(f"data.goal_data.{item.key}", "unknown goal data key")
        if isinstance(item.value, float) and not math.isfinite(item.value):
            raise RequestValidationError(f"data.goal_data.{item.key}", "must be a finite number")


def _goal_data_items(
    goal_data: Mapping[str, int | float | str | Sequence[str]], given: set[str]
) -> Iterator[GoalDataItem]:
    if not isinstance(goal_data, Mapping):
        raise RequestValidationError("goal_data", "must map goal data keys to values")
    for key, value in goal_data.items():
        if key not in GOAL_DATA_KEYS:
            allowed = ", ".join(sorted(GOAL_DATA_KEYS))
            raise RequestValidationError(f"goal_data.{key}", f"unknown key (use {allowed})")
        if key in given:
            raise RequestValidationError(f"goal_data.{key}", "also given as an argument")
        if isinstance(value, str):
            yield GoalDataItem(key=key, value=value)
        elif type(value) in (int, float):
            yield GoalDataItem(key=key, value=_number(f"goal_data.{key}", value))
        elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
            yield GoalDataItem(key=key, value=list(value))
        else:
            raise RequestValidationError(
                f"goal_data.{key}", "must be a string, a finite number or a list of strings"
            )


def _event(
    visitor_id: str, event_type: str, data: EventData, segments: VisitorSegments | None
) -> TrackingEvent:
    if not isinstance(visitor_id, str) or not visitor_id:
        raise RequestValidationError("visitor_id", "must be a non-empty string")
    event = TrackingEvent(
        visitor_id=visitor_id, event_type=event_type, data=data, segments=segments
    )
    # Encoded once here (a third of a microsecond: cheaper than any walk over the event's
    # fields in Python), so that an event that cannot be sent or kept is refused now.
    check_encoded_size(event, field="event", limit=MAX_EVENT_BYTES)
    return event
