"""Typed shapes of the Convert serving API: project config, settings, visitor data, tracking.

Responses decode in one msgspec pass. Unknown fields are ignored and enum-like fields are typed
``str`` (the documented values are listed in the docstrings), so a server that grows new fields
or values never breaks decoding. Ids are strings, as the serving API sends them, and optional:
the seed marks no response field required and Convert's generated types
(``convertcom/javascript-sdk`` ``packages/types/src/config/types.gen.ts``) have ``id?: string``.

The tracking side has two layers: :class:`TrackingEvent` is what the client queues (one event of
one visitor; it is also what a spool file holds), and :class:`TrackingPayload` is the body of one
``POST /track/...``: the events of a batch grouped by visitor.

>>> import msgspec
>>> event = TrackingEvent(visitor_id="v1", event_type="bucketing",
...                       data=EventData(experience_id="100", variation_id="200"))
>>> msgspec.json.encode(event.data)
b'{"experienceId":"100","variationId":"200"}'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Final, Literal, get_args

import msgspec
from msgspec import Meta

from .._core.codec import RequestModel, ResponseModel

__all__ = [
    "GOAL_DATA_KEYS",
    "Audience",
    "Browser",
    "ConfigProject",
    "ConfigProjectSettings",
    "CountryCode",
    "CustomDomain",
    "Device",
    "Domain",
    "Environment",
    "EventData",
    "EventType",
    "Experience",
    "ExperienceIntegration",
    "ExperienceSettings",
    "Feature",
    "FeatureVariable",
    "Goal",
    "GoalDataItem",
    "GoalDataKey",
    "Location",
    "LocationTrigger",
    "ProjectConfig",
    "ProjectOptionalSettings",
    "ProjectSettings",
    "Rule",
    "RuleAnd",
    "RuleOrWhen",
    "RuleSet",
    "Segment",
    "TrackingEvent",
    "TrackingPayload",
    "TrackingResult",
    "TrafficSource",
    "Variation",
    "VariationChange",
    "VisitorData",
    "VisitorEvent",
    "VisitorInsightsSettings",
    "VisitorPayload",
    "VisitorSegments",
    "VisitorType",
]

# -- rules ---------------------------------------------------------------------------------------


class Rule(ResponseModel):
    """One condition: ``rule_type`` (``url``, ``cookie``, ``js_condition``, ...), the ``value``
    to compare and how (``matching``: ``{"match_type": ..., "negated": ...}``)."""

    rule_type: str | None = None
    value: Any = None
    matching: dict[str, Any] | None = None


class RuleOrWhen(ResponseModel):
    """Conditions of which any one must hold (``OR_WHEN``)."""

    or_when: list[Rule] = msgspec.field(default_factory=list, name="OR_WHEN")


class RuleAnd(ResponseModel):
    """Blocks that must all hold (``AND``)."""

    and_: list[RuleOrWhen] = msgspec.field(default_factory=list, name="AND")


class RuleSet(ResponseModel):
    """A rule tree: ``OR`` of ``AND`` of ``OR_WHEN`` of :class:`Rule`.

    >>> import msgspec
    >>> raw = b'{"OR": [{"AND": [{"OR_WHEN": [{"rule_type": "url", "value": "/"}]}]}]}'
    >>> msgspec.json.decode(raw, type=RuleSet).or_[0].and_[0].or_when[0].rule_type
    'url'
    """

    or_: list[RuleAnd] = msgspec.field(default_factory=list, name="OR")


# -- project ---------------------------------------------------------------------------------------


class CustomDomain(ResponseModel):
    """The project's custom tracking domain."""

    domain: str | None = None


class Domain(ResponseModel):
    """A domain the project runs on: top-level domain and its hosts."""

    tld: str | None = None
    hosts: Any = None


class Environment(ResponseModel):
    """One environment of the project (``production``, ``staging``, ...)."""

    label: str | None = None
    is_default: bool | None = None


class ConfigProjectSettings(ResponseModel):
    """``project.settings`` in the config. ``do_not_track`` and ``global_privacy_control`` are
    ``OFF``, ``EU ONLY``, ``EEA ONLY`` or ``Worldwide``; ``integrations`` and ``outliers`` are kept
    as plain JSON (their shape differs per provider)."""

    allow_crossdomain_tracking: bool | None = None
    data_anonymization: bool | None = None
    do_not_track: str | None = None
    global_privacy_control: str | None = None
    include_jquery: bool | None = None
    include_jquery_v1: bool | None = None
    disable_spa_functionality: bool | None = None
    do_not_track_referral: bool | None = None
    integrations: dict[str, Any] | None = None
    min_order_value: float | None = None
    max_order_value: float | None = None
    outliers: dict[str, Any] | None = None
    version: str | None = None


class ConfigProject(ResponseModel):
    """The project part of the config. ``type`` is ``web`` or ``fullstack``."""

    id: str | None = None
    name: str | None = None
    type: str | None = None
    utc_offset: int | None = None
    custom_domain: CustomDomain | None = None
    domains: list[Domain] = msgspec.field(default_factory=list)
    global_javascript: str | None = None
    settings: ConfigProjectSettings | None = None
    environments: dict[str, Environment] = msgspec.field(default_factory=dict)


# -- goals, locations, audiences, segments ---------------------------------------------------------


class Goal(ResponseModel):
    """A conversion goal. ``type`` is e.g. ``dom_interaction``, ``visits_page``, ``revenue``."""

    id: str | None = None
    name: str | None = None
    key: str | None = None
    type: str | None = None
    rules: RuleSet | None = None
    settings: dict[str, Any] | None = None


class LocationTrigger(ResponseModel):
    """When a location activates: ``type`` (``upon_run``, ``dom_element``, ``manual``, ...)."""

    type: str | None = None
    selector: str | None = None
    events: list[str] = msgspec.field(default_factory=list)


class Location(ResponseModel):
    """Where experiences run."""

    id: str | None = None
    key: str | None = None
    name: str | None = None
    trigger: LocationTrigger | None = None
    rules: RuleSet | None = None


class Audience(ResponseModel):
    """Who experiences run for. ``type`` is ``permanent``, ``transient`` or ``segmentation``."""

    id: str | None = None
    key: str | None = None
    name: str | None = None
    type: str | None = None
    rules: RuleSet | None = None


class Segment(ResponseModel):
    """A custom segment; its id goes in :attr:`VisitorSegments.custom_segments`."""

    id: str | None = None
    key: str | None = None
    name: str | None = None
    rules: RuleSet | None = None


# -- experiences -----------------------------------------------------------------------------------


class VariationChange(ResponseModel):
    """One change a variation makes; ``type`` is e.g. ``defaultCode``, ``customCode``,
    ``fullStackFeature``; ``data`` depends on it."""

    id: int | str | None = None
    type: str | None = None
    data: dict[str, Any] | None = None


class Variation(ResponseModel):
    """A variation of an experience. ``traffic_allocation`` is in hundredths of a percent
    (``10000`` = 100 %); ``status`` is ``running`` or ``stopped``."""

    id: str | None = None
    name: str | None = None
    key: str | None = None
    traffic_allocation: float | None = None
    status: str | None = None
    changes: list[VariationChange] = msgspec.field(default_factory=list)


class ExperienceIntegration(ResponseModel):
    """An analytics integration of an experience (``provider``: ``baidu``, ``google_analytics``,
    ...)."""

    provider: str | None = None
    enabled: bool | None = None
    custom_dimension: str | None = None


class ExperienceSettings(ResponseModel):
    """Per-experience settings; ``matching_options`` says whether ``any`` or ``all`` audiences /
    locations must match."""

    min_order_value: float | None = None
    max_order_value: float | None = None
    outliers: dict[str, Any] | None = None
    matching_options: dict[str, str] | None = None


class Experience(ResponseModel):
    """An experience as served. ``status`` is ``active`` (``draft`` and ``paused`` ones appear
    only with a debug token); ``type`` is ``a/b``, ``a/b_fullstack``, ``feature_rollout``, ...
    ``locations``, ``audiences`` and ``goals`` hold ids of the config's objects."""

    id: str | None = None
    name: str | None = None
    key: str | None = None
    locations: list[str] = msgspec.field(default_factory=list)
    site_area: RuleSet | None = None
    audiences: list[str] = msgspec.field(default_factory=list)
    goals: list[str] = msgspec.field(default_factory=list)
    status: str | None = None
    global_js: str | None = None
    global_css: str | None = None
    type: str | None = None
    version: int | None = None
    variations: list[Variation] = msgspec.field(default_factory=list)
    integrations: list[ExperienceIntegration] = msgspec.field(default_factory=list)
    environments: list[str] = msgspec.field(default_factory=list)
    environment: str | None = None
    settings: ExperienceSettings | None = None


class FeatureVariable(ResponseModel):
    """A variable of a feature; ``type`` is ``boolean``, ``float``, ``json``, ``integer`` or
    ``string``."""

    key: str | None = None
    type: str | None = None


class Feature(ResponseModel):
    """A feature flag of a Full Stack project."""

    id: str | None = None
    name: str | None = None
    key: str | None = None
    variables: list[FeatureVariable] = msgspec.field(default_factory=list)


class ProjectConfig(ResponseModel):
    """Everything an SDK needs to bucket visitors: ``GET /config/...``.

    Example::

        config = await tracker.fetch_config(environment="production")
        [e.key for e in config.experiences]
        # -> ['homepage-hero', ...]
    """

    account_id: str
    project: ConfigProject
    goals: list[Goal] = msgspec.field(default_factory=list)
    locations: list[Location] = msgspec.field(default_factory=list)
    audiences: list[Audience] = msgspec.field(default_factory=list)
    segments: list[Segment] = msgspec.field(default_factory=list)
    experiences: list[Experience] = msgspec.field(default_factory=list)
    archived_experiences: list[str] = msgspec.field(default_factory=list)
    features: list[Feature] = msgspec.field(default_factory=list)
    is_debug: bool = False

    def experience(self, key_or_id: str) -> Experience | None:
        """The experience with this key or id, if the config has it."""
        return next((e for e in self.experiences if key_or_id in (e.key, e.id)), None)

    def goal(self, key_or_id: str) -> Goal | None:
        """The goal with this key or id, if the config has it."""
        return next((g for g in self.goals if key_or_id in (g.key, g.id)), None)


# -- other config endpoints ------------------------------------------------------------------------


class ProjectSettings(ResponseModel):
    """The project's minimal settings: ``GET /project-settings/...``."""

    account_id: str | None = None
    project_id: str | None = None
    include_jquery: bool | None = None
    include_jquery_v1: bool | None = None
    disable_spa_functionality: bool | None = None
    version: str | None = None
    tracking_script: Any = None


class VisitorInsightsSettings(ResponseModel):
    """Visitor-insights (session recording) settings of a project."""

    enabled: bool | None = None
    obfuscate_text: bool | None = None
    tracking_id: str | None = None


class ProjectOptionalSettings(ResponseModel):
    """The project's optional settings: ``GET /project-optional-settings/...``."""

    account_id: str | None = None
    project_id: str | None = None
    visitor_insights: VisitorInsightsSettings | None = None


class VisitorData(ResponseModel):
    """What the tracking backend stores about a visitor: ``GET /visitor-data/...``.
    ``data`` holds the visitor's own values, ``default`` the project's defaults."""

    data: dict[str, str] = msgspec.field(default_factory=dict)
    default: dict[str, str] = msgspec.field(default_factory=dict)


class TrackingResult(ResponseModel):
    """``SuccessData``: the reply to an accepted tracking batch."""

    code: int | None = None
    message: str | None = None


# -- tracking --------------------------------------------------------------------------------------

EventType = Literal["bucketing", "conversion"]
"""The two event types of the tracking API; revenue travels in a conversion's goal data."""

GoalDataKey = Literal[
    "amount",
    "productsCount",
    "transactionId",
    "customDimension1",
    "customDimension2",
    "customDimension3",
    "customDimension4",
    "customDimension5",
]
#: The keys the tracking API accepts in a conversion's ``goalData``.
GOAL_DATA_KEYS: Final[frozenset[str]] = frozenset(get_args(GoalDataKey))


class _Camel(RequestModel, rename="camel", gc=False):
    """Request-side Structs: snake_case in Python, camelCase on the wire, unset fields omitted.

    Not tracked by the cyclic GC (``gc=False``): they hold only strings, numbers and lists or
    dicts of them, so they cannot form cycles, and a queue of tens of thousands of events would
    otherwise make every collection walk them.
    """


#: The reporting segments' values, as the tracking API documents them.
Browser = Literal["IE", "CH", "FF", "OP", "SF", "OTH"]
Device = Literal["ALLPH", "IPH", "OTHPH", "ALLTAB", "IPAD", "OTHTAB", "DESK", "OTHDEV"]
TrafficSource = Literal["campaign", "search", "referral", "direct", "ai_tool"]
VisitorType = Literal["new", "returning"]
#: ISO 3166-1 alpha-2 (the API's own example writes one in lower case).
CountryCode = Annotated[str, Meta(pattern="^[A-Za-z]{2}$")]


class VisitorSegments(_Camel):
    """Who the visitor is, for reporting segments.

    ``browser``: ``IE``, ``CH``, ``FF``, ``OP``, ``SF`` or ``OTH``; ``devices``: ``ALLPH``, ``IPH``,
    ``OTHPH``, ``ALLTAB``, ``IPAD``, ``OTHTAB``, ``DESK``, ``OTHDEV``; ``source``: ``campaign``,
    ``search``, ``referral``, ``direct`` or ``ai_tool``; ``visitor_type``: ``new`` or
    ``returning``; ``country``: ISO 3166-1 alpha-2; ``custom_segments``: segment ids from the
    config.

    >>> import msgspec
    >>> msgspec.json.encode(VisitorSegments(visitor_type="new", country="US"))
    b'{"visitorType":"new","country":"US"}'
    """

    browser: Browser | None = None
    devices: list[Device] | None = None
    source: TrafficSource | None = None
    campaign: str | None = None
    visitor_type: VisitorType | None = None
    country: CountryCode | None = None
    custom_segments: list[str] | None = None


class GoalDataItem(_Camel):
    """One ``{key, value}`` of a conversion's goal data (``key`` from :data:`GOAL_DATA_KEYS`)."""

    key: str
    value: int | float | str | list[str]


class EventData(_Camel):
    """The ``data`` of an event: ``experience_id`` + ``variation_id`` for bucketing;
    ``goal_id`` (+ optional ``goal_data``, a list or tuple, and ``bucketing_data`` =
    ``{experience id: variation id}``) for a conversion. Fields left ``None`` are not sent.
    ``track_conversion`` stores goal data as a tuple: with the Structs themselves untracked, a
    queued event then holds nothing the cyclic GC has to walk."""

    experience_id: str | None = None
    variation_id: str | None = None
    goal_id: str | None = None
    goal_data: Sequence[GoalDataItem] | None = None
    bucketing_data: dict[str, str] | None = None


class TrackingEvent(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    """One queued event of one visitor (what ``track_*`` enqueue and a spool file holds).

    >>> event = TrackingEvent(visitor_id="v1", event_type="conversion", data=EventData(goal_id="7"))
    >>> event.data.goal_id
    '7'
    """

    visitor_id: str
    event_type: str
    data: EventData
    segments: VisitorSegments | None = None


class VisitorEvent(_Camel):
    """``{"eventType": ..., "data": {...}}`` inside a visitor's ``events``."""

    event_type: str
    data: EventData


class VisitorPayload(_Camel):
    """One ``visitors[]`` entry: a visitor, their segments and their events in order."""

    visitor_id: str
    events: list[VisitorEvent]
    segments: VisitorSegments | None = None


class TrackingPayload(_Camel, kw_only=True):
    """The body of ``POST /track/...``.

    >>> import msgspec
    >>> body = TrackingPayload(account_id="1", project_id="2", enrich_data=True, source="js-sdk",
    ...                        visitors=[])
    >>> msgspec.json.encode(body)
    b'{"accountId":"1","projectId":"2","enrichData":true,"source":"js-sdk","visitors":[]}'
    """

    account_id: str
    project_id: str
    enrich_data: bool | None = None
    source: str | None = None
    visitors: list[VisitorPayload]
