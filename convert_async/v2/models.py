"""Typed responses of the Convert REST API v2 (msgspec Structs).

Shapes follow the schemas and samples of the API reference. Every field the reference marks
optional defaults to None, unknown fields are ignored and enum-like fields are plain ``str``,
so additions to the API never break decoding.

Where the reference shows a reply only as an empty or collapsed object, the class docstring
says so: those models are the SDK's reading of the operation's description and keep every field
optional (or loosely typed) so that the real reply decodes whatever it holds.

Expandable references (``expand[]=...``) are typed ``int | Model``: the id by default, the
full object when expanded.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .._core.codec import ResponseModel

__all__ = [
    "AccessRole",
    "Account",
    "AggregatedReport",
    "AiTextVariations",
    "ApiKey",
    "Audience",
    "AudiencePreset",
    "BillingPlan",
    "BillingSetupUser",
    "BulkStatusReply",
    "CdnImage",
    "ChangeHistoryEntry",
    "Collaborator",
    "CookieAuthReply",
    "DailyReport",
    "DailyReportDay",
    "DailyReportVariation",
    "DebugToken",
    "Domain",
    "Experience",
    "ExperienceChange",
    "ExperienceSection",
    "Feature",
    "Goal",
    "Hypothesis",
    "ImportResult",
    "KnowledgeBase",
    "LiveDataEntry",
    "Location",
    "LocationPreset",
    "MfaSecret",
    "Observation",
    "PartnerStatus",
    "PaymentMethodSetup",
    "Project",
    "RawDataExport",
    "ReportDataDeletion",
    "ReportExport",
    "ReportGoal",
    "ReportSettings",
    "ReportToken",
    "ReportVariation",
    "SdkKey",
    "SectionVersion",
    "SignalSession",
    "StatusReply",
    "Tag",
    "TrafficAllocationDay",
    "TrafficAllocationReport",
    "TrafficAllocationVariation",
    "UploadedFile",
    "UploadedImage",
    "User",
    "Variation",
]

JSONObject = dict[str, Any]

# Access role names used by Account.access_role, Project.access_role and AccessRole.name:
# owner, account_manager, admin, browse, edit, publish, review.


# -- generic replies ---------------------------------------------------------------------------


class StatusReply(ResponseModel):
    """The ``{"code": ..., "message": ...}`` reply of deletes and other actions.

    ``message`` is a list of strings on some errors (e.g. 422 validation problems).
    """

    code: int
    message: str | list[str] | None = None


class BulkStatusReply(StatusReply):
    """A bulk update/delete reply: the status plus the problems met for individual ids."""

    errors: list[Any] = msgspec.field(default_factory=list)


class ImportResult(StatusReply):
    """The reply of importing data into a project: a status plus a summary of what came in."""

    imported: JSONObject | None = None


class CookieAuthReply(ResponseModel):
    """One step of the cookie-based login or password-reset flow.

    ``auth_code`` (``auth-code`` on the wire) names the next step, e.g. ``NEW_PASSWORD_REQUIRED``
    or an MFA challenge; ``data`` carries the step's data (user data, session token, ...).
    """

    auth_code: str | None = msgspec.field(default=None, name="auth-code")
    message: str | list[str] | None = None
    data: JSONObject | None = None


# -- users, accounts, billing ------------------------------------------------------------------


class AccessRole(ResponseModel):
    """A predefined access role (owner, admin, edit, ...) and the permissions it grants."""

    name: str | None = None
    permissions: JSONObject | None = None


class User(ResponseModel):
    """The authenticated user: profile data, UI preferences and session flags."""

    profile_data: JSONObject | None = msgspec.field(default=None, name="profileData")
    preferences: JSONObject | None = None
    is_sudo: bool | None = msgspec.field(default=None, name="isSudo")
    mfa_backup_codes: list[Any] | None = None


class MfaSecret(ResponseModel):
    """A new secret for setting up an authenticator app (TOTP)."""

    mfa_secret: str | None = None


class Account(ResponseModel):
    """A tenant of the Convert app: a main account or an agency's sub-account.

    ``account_type`` is ``main`` or ``sub``; ``access_role`` is the caller's role in it.
    """

    id: int
    name: str | None = None
    account_type: str | None = msgspec.field(default=None, name="accountType")
    access_role: str | None = msgspec.field(default=None, name="accessRole")
    access_all_projects: bool | None = None
    settings: JSONObject | None = None
    billing: JSONObject | None = None
    limits_and_capabilities: JSONObject | None = msgspec.field(
        default=None, name="limitsAndCapabilities"
    )
    stats: JSONObject | None = None


class BillingPlan(ResponseModel):
    """A billing plan an account can subscribe to, with its usage limits and features.

    The reference documents no item shape for this list (its sample is collapsed): these
    fields are the SDK's reading of the description, all optional.
    """

    id: int | str | None = None
    name: str | None = None
    description: str | None = None
    limits_and_capabilities: JSONObject | None = msgspec.field(
        default=None, name="limitsAndCapabilities"
    )


class BillingSetupUser(ResponseModel):
    """A user to notify about an account's billing plan setup.

    Item shape undocumented in the reference: modelled like a collaborator's identity.
    """

    user_id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None


class PaymentMethodSetup(ResponseModel):
    """The client secret that completes a payment-method setup in the payment provider's UI."""

    client_secret: str | None = None


class LiveDataEntry(ResponseModel):
    """One recent tracking event from the live-data feed of an account, project or experience.

    The reference documents no item shape (the sample list is collapsed). Known ``event_type``
    values (from the request filters): ``view_experience``, ``conversion``, ``transaction``.
    Fields that ``expand[]`` can turn into objects (``project``, ``experiences``,
    ``conversion.goals``, ``custom_segments``) are loosely typed.
    """

    id: int | str | None = None
    event_type: str | None = None
    timestamp: int | None = None
    project_id: int | None = None
    project: int | Project | None = None
    experience_id: int | None = None
    variation_id: int | None = None
    goal_id: int | None = None
    experiences: list[Any] | None = None
    conversion: Any = None
    custom_segments: Any = None
    revenue: float | None = None
    visitor_id: str | None = None


class ChangeHistoryEntry(ResponseModel):
    """One entry of an account, project or experience change history (audit log).

    The reference documents no item shape; these fields follow the list's filters and sort
    keys. ``method`` is ``api`` or ``app``; ``object_type`` (``object`` on the wire) is one of
    account, audience, feature, collaborator, domain, goal, hypothesis, experience, report,
    change, variation, project, tag.
    """

    id: int | None = None
    timestamp: int | None = None
    event: str | None = None
    object_type: str | None = msgspec.field(default=None, name="object")
    object_id: int | str | None = None
    method: str | None = None
    project_id: int | None = None
    project: int | Project | None = None
    user: Any = None
    details: Any = None


class AiTextVariations(ResponseModel):
    """Text variants generated by AI for a piece of content.

    The reference shows this reply only as ``{"data": {}}``: ``variations`` is the SDK's name
    for the generated texts; unknown fields are ignored.
    """

    variations: list[Any] | None = None
    content: str | None = None
    principle_class: Any = None


class Collaborator(ResponseModel):
    """A user's (or pending invitee's) access to an account: the projects and role per project.

    ``user_id`` is null for an invitee who has not accepted yet.
    """

    user_id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    accesses: list[JSONObject] | None = None


class PartnerStatus(ResponseModel):
    """Whether an email belongs to a Convert partner allowed extended API access."""

    email: str | None = None
    allowed: bool | None = None
    already_granted: bool | None = msgspec.field(default=None, name="alreadyGranted")


class ApiKey(ResponseModel):
    """An API key of an account; ``key_secret`` is in full only in the create reply.

    ``auth_type`` is ``requestSigning`` or ``secretKey``; ``projects`` empty or null means all.
    """

    key_id: str | None = None
    key_secret: str | None = None
    name: str | None = None
    auth_type: str | None = None
    projects: list[int] | None = None


# -- projects ----------------------------------------------------------------------------------


class Domain(ResponseModel):
    """A website of a web project."""

    id: int
    url: str | None = None
    code_installed: bool | None = None


class Project(ResponseModel):
    """A project: the domains, experiences, goals and audiences of one site or app.

    ``project_type`` is ``web`` or ``fullstack``; ``status`` is active, inactive or suspended;
    ``type`` is ``own`` or ``shared``.
    """

    id: int
    name: str | None = None
    account_id: int | None = None
    project_type: str | None = None
    status: str | None = None
    type: str | None = None
    access_role: str | None = msgspec.field(default=None, name="accessRole")
    owner_email: str | None = None
    global_javascript: str | None = None
    created_at: int | None = None
    modified_at: int | None = None
    tracking_snippet: str | None = None
    sdk_key: str | None = None
    environments: dict[str, Any] | None = None
    settings: JSONObject | None = None
    reporting_settings: JSONObject | None = None
    integrations_settings: JSONObject | None = None
    custom_domain: JSONObject | None = None
    default_goals: list[int | Goal] | None = None
    default_audiences: list[int | Audience] | None = None
    default_locations: list[int | Location] | None = None
    domains: list[Domain] | None = None
    stats: JSONObject | None = None


class DebugToken(ResponseModel):
    """A short-lived token that previews draft experiences or forces variations for QA.

    The reference shows this reply only as ``{"data": {}}``: the fields are the SDK's reading
    of the description (a token with a limited time to live).
    """

    token: str | None = None
    expiration: int | None = None
    ttl: int | None = None


class SdkKey(ResponseModel):
    """An SDK key of a Full Stack project environment (``sdk_secret`` in full only on create).

    ``status`` is ``enabled`` or ``disabled``. SDK keys have no numeric id: ``sdk_key`` is the
    identifier.
    """

    sdk_key: str | None = None
    sdk_secret: str | None = None
    name: str | None = None
    environment: str | None = None
    status: str | None = None


# -- experiences -------------------------------------------------------------------------------


class ExperienceChange(ResponseModel):
    """One change a variation applies (code, rich structure, redirect, Full Stack feature ...).

    ``type`` is e.g. ``richStructure``, ``customCode``, ``defaultCode``, ``defaultRedirect``;
    ``data`` is shaped by the type.
    """

    id: int
    type: str | None = None
    data: JSONObject | None = None


class Variation(ResponseModel):
    """One variation of an experience (the baseline is the control).

    ``status`` is ``running`` or ``stopped``.
    """

    id: int
    name: str | None = None
    key: str | None = None
    description: str | None = None
    is_baseline: bool | None = None
    traffic_distribution: float | None = None
    status: str | None = None
    changes: list[int | ExperienceChange] | None = None


class Experience(ResponseModel):
    """An experience: A/B, A/A, MVT, split URL, multipage, deploy or full-stack test.

    ``status``: draft, active, paused, completed, scheduled, archived, deleted. ``type``: a/b,
    a/a, mvt, split_url, multipage, deploy, a/b_fullstack, feature_rollout.
    """

    id: int
    name: str | None = None
    key: str | None = None
    description: str | None = None
    status: str | None = None
    type: str | None = None
    project: int | Project | None = None
    start_time: int | None = None
    end_time: int | None = None
    primary_goal: int | None = None
    objective: str | None = None
    traffic_distribution: float | None = None
    url: str | None = None
    version: float | None = None
    environment: str | None = None
    environments: list[str] | None = None
    global_js: str | None = None
    global_css: str | None = None
    goals: list[int | Goal] | None = None
    audiences: list[int | Audience] | None = None
    locations: list[int | Location] | None = None
    tags: list[int | Tag] | None = None
    variations: list[int | Variation] | None = None
    settings: JSONObject | None = None
    site_area: JSONObject | None = None
    stats: JSONObject | None = None
    alerts: list[JSONObject] | None = None
    collaborators: list[JSONObject] | None = None
    integrations: list[JSONObject] | None = None
    multipage_pages: list[JSONObject] | None = None
    customizations: list[JSONObject] | None = None
    screenshots_info: list[JSONObject] | None = None


class ReportToken(ResponseModel):
    """The read-only report access token of an experience and when it expires."""

    id: int
    token: str | None = None
    expiration: int | None = None


class SectionVersion(ResponseModel):
    """A version inside a section: a group of changes; in a non-MVT experience, one variation."""

    id: str
    name: str | None = None
    changes: list[int | ExperienceChange] | None = None
    variations: list[int] | None = None


class ExperienceSection(ResponseModel):
    """A section of an experience (several in an MVT), holding its versions."""

    id: str
    name: str | None = None
    versions: list[str | SectionVersion] | None = None


# -- reports -----------------------------------------------------------------------------------


class ReportSettings(ResponseModel):
    """How an experience's report is computed: stats engine, confidence, MAB, outliers ...

    The reference shows this reply only as ``{"data": {}}``: these fields are the SDK's model
    of it (the one FakeConvert serves). Fields it does not know are ignored.
    """

    experience_id: int | None = None
    primary_goal: int | None = None
    baseline_variation: int | None = None
    stats_engine: str | None = None
    confidence_level: float | None = None
    test_type: str | None = None
    mab_strategy: str | None = None
    primary_metric: str | None = None
    minimum_detectable_effect: float | None = None
    outliers: JSONObject | None = None


class ReportVariation(ResponseModel):
    """One variation's numbers for one goal in an aggregated report."""

    variation_id: int
    variation_name: str | None = None
    is_baseline: bool | None = None
    visitors: int = 0
    conversions: int = 0
    conversion_rate: float | None = None
    revenue: float | None = None
    improvement: float | None = None
    confidence: float | None = None


class ReportGoal(ResponseModel):
    """One goal of an aggregated report with a row per variation."""

    goal_id: int
    goal_name: str | None = None
    variations: list[ReportVariation] = msgspec.field(default_factory=list)


class AggregatedReport(ResponseModel):
    """The aggregated performance of an experience: per goal, per variation.

    The API reference shows this reply only as ``{"data": {}}``: these fields are the SDK's
    model of it (the one FakeConvert serves). Fields it does not know are ignored, so a richer
    real reply still decodes.
    """

    experience_id: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    utc_offset: int | None = None
    goals: list[ReportGoal] = msgspec.field(default_factory=list)


class DailyReportVariation(ResponseModel):
    """One variation's numbers on one day."""

    variation_id: int
    visitors: int = 0
    conversions: int = 0
    value: float | None = None


class DailyReportDay(ResponseModel):
    """One day of a daily report."""

    date: str
    timestamp: int | None = None
    variations: list[DailyReportVariation] = msgspec.field(default_factory=list)


class DailyReport(ResponseModel):
    """Day-by-day performance of an experience for one goal."""

    experience_id: int | None = None
    goal_id: int | None = None
    report_type: str | None = None
    metric: str | None = None
    days: list[DailyReportDay] = msgspec.field(default_factory=list)


class TrafficAllocationVariation(ResponseModel):
    """The share of traffic (percent, 0-100) one variation received on one day."""

    variation_id: int | None = None
    allocation: float | None = None


class TrafficAllocationDay(ResponseModel):
    """One day of a traffic allocation report."""

    date: str | None = None
    timestamp: int | None = None
    variations: list[TrafficAllocationVariation] = msgspec.field(default_factory=list)


class TrafficAllocationReport(ResponseModel):
    """Day-by-day traffic allocation of a Multi-Armed Bandit (auto-allocation) experience.

    The API reference shows this reply only as ``{"data": {}}``: this is the SDK's model of it
    and every field is optional, so a differently shaped real reply still decodes (its unknown
    fields are ignored).
    """

    experience_id: int | None = None
    days: list[TrafficAllocationDay] = msgspec.field(default_factory=list)


class ReportExport(ResponseModel):
    """A generated report export (CSV aggregated/daily or PDF): a link to download the file.

    The reference shows this reply only as ``{"data": {}}`` and describes a downloadable link;
    the other fields echo the request.
    """

    url: str | None = None
    report_type: str | None = None
    data_type: str | None = None
    expiration: int | None = None


class RawDataExport(ResponseModel):
    """The started raw tracking-data export job (its link is usually delivered by email).

    The reference shows this reply only as ``{"data": {}}``: fields are the SDK's reading of it.
    """

    status: str | None = None
    message: str | None = None
    url: str | None = None
    email: str | None = None


class ReportDataDeletion(ResponseModel):
    """How many records of one event type were (or, when simulating, would be) removed.

    The reference shows the list without items: fields are the SDK's reading of the
    description. ``event_type`` is ``view_experience``, ``conversion`` or ``transaction``.
    """

    event_type: str | None = None
    goal_id: int | None = None
    goals: list[int] | None = None
    count: int | None = None
    simulated: bool | None = None


# -- goals, hypotheses, knowledge base, observations -------------------------------------------


class Goal(ResponseModel):
    """A conversion goal and the rule that triggers it.

    ``status`` is ``active`` or ``archived``. ``type`` is typed ``any`` in the reference (a
    string in practice: advanced, visits_page, revenue, clicks_link, submits_form,
    clicks_element, dom_interaction, scroll_percentage, ga_import, code_trigger).
    """

    id: int
    name: str | None = None
    key: str | None = None
    description: str | None = None
    is_system: bool | None = None
    selected_default: bool | None = None
    status: str | None = None
    type: Any = None
    settings: JSONObject | None = None
    triggering_rule: JSONObject | None = None
    stats: JSONObject | None = None


class Hypothesis(ResponseModel):
    """A hypothesis (Compass): an assumed improvement, its priority score and its experiences.

    ``status``: applied, archived, completed, draft, proven, disproven. Dates are YYYY-MM-DD.
    """

    id: int
    name: str | None = None
    url: str | None = None
    project: int | Project | None = None
    prioritization_score: str | None = None
    prioritization_score_type: str | None = None
    prioritization_score_attributes: JSONObject | None = None
    objective: str | None = None
    status: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    summary: str | None = None
    description: str | None = None
    files: list[JSONObject] | None = None
    created_at: int | None = None
    created_by: str | None = None
    experiences: list[int | Experience] | None = None
    tags: list[int | Tag] | None = None


class KnowledgeBase(ResponseModel):
    """A Knowledge Base entry: what a proven or disproven hypothesis taught.

    ``status`` is ``active`` or ``archived``. Dates are YYYY-MM-DD.
    """

    id: int
    name: str | None = None
    project: int | Project | None = None
    status: str | None = None
    summary: str | None = None
    url: str | None = None
    objective: str | None = None
    description: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    prioritization_score_type: str | None = None
    prioritization_score_attributes: JSONObject | None = None
    experiences: list[int | Experience] | None = None
    files: list[JSONObject] | None = None
    created_by: str | None = None
    updated_at: int | None = None
    tags: list[int | Tag] | None = None


class Observation(ResponseModel):
    """An observation: a noted visitor behaviour or insight that may lead to a hypothesis.

    The operations' samples are empty objects: this follows the Observation schema of the
    reference. ``status`` is ``active`` or ``archived``; ``images`` is deprecated for ``files``.
    """

    id: int
    name: str | None = None
    description: str | None = None
    project: int | Project | None = None
    status: str | None = None
    url: str | None = None
    created_by: str | None = None
    created_at: int | None = None
    images: list[JSONObject] | None = None
    files: list[JSONObject] | None = None
    tags: list[int | Tag] | None = None


# -- targeting ---------------------------------------------------------------------------------


class Location(ResponseModel):
    """A location: the pages (rules) an experience runs on and how it is triggered.

    ``status`` is ``active`` or ``archived``; ``trigger`` is typed ``any`` in the reference
    (an object with a ``type``).
    """

    id: int
    name: str | None = None
    description: str | None = None
    status: str | None = None
    preset: bool | None = None
    selected_default: bool | None = None
    stats: JSONObject | None = None
    rules: JSONObject | None = None
    trigger: Any = None


class LocationPreset(ResponseModel):
    """A predefined location template (e.g. "All Pages").

    The reference documents no item shape for the presets list: modelled on Location, with
    every field (even the id) optional.
    """

    id: int | str | None = None
    name: str | None = None
    description: str | None = None
    status: str | None = None
    preset: bool | None = None
    rules: JSONObject | None = None
    trigger: Any = None


class Audience(ResponseModel):
    """An audience: the visitors (rules) an experience targets.

    ``status`` is ``active`` or ``archived``; ``type`` is ``permanent``, ``transient`` or
    ``segmentation``.
    """

    id: int
    name: str | None = None
    description: str | None = None
    status: str | None = None
    type: str | None = None
    preset: bool | None = None
    selected_default: bool | None = None
    stats: JSONObject | None = None
    rules: JSONObject | None = None


class AudiencePreset(ResponseModel):
    """A predefined audience template (e.g. "All Visitors", "Mobile Users").

    The reference documents no item shape for the presets list: modelled on Audience, with
    every field (even the id) optional.
    """

    id: int | str | None = None
    name: str | None = None
    description: str | None = None
    status: str | None = None
    type: str | None = None
    preset: bool | None = None
    rules: JSONObject | None = None


# -- assets, tags, features, insights ----------------------------------------------------------


class CdnImage(ResponseModel):
    """An image stored on Convert's CDN for a project; ``key`` identifies it for deletion."""

    cdn_url: str | None = None
    key: str | None = None


class UploadedImage(ResponseModel):
    """The reply of an image upload: its public CDN URL and storage key."""

    cdn_url: str | None = None
    key: str | None = None


class UploadedFile(ResponseModel):
    """The reply of a file upload.

    The operation's sample is an empty object: this follows the File schema of the reference.
    ``status`` is ``success`` or ``error`` (then ``message`` says why).
    """

    url: str | None = None
    key: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    mime_type: str | None = None
    status: str | None = None
    message: str | None = None


class Tag(ResponseModel):
    """A label that groups experiences, hypotheses and other project objects."""

    id: int
    name: str | None = None
    description: str | None = None


class Feature(ResponseModel):
    """A Full Stack feature and the variables experiences can set for it.

    ``status`` is ``active`` or ``archived``; ``variables`` items are typed ``any`` in the
    reference (objects with key, type and default value).
    """

    id: int
    name: str | None = None
    key: str | None = None
    description: str | None = None
    status: str | None = None
    stats: JSONObject | None = None
    variables: list[Any] | None = None


class SignalSession(ResponseModel):
    """A Convert Signals session: a visit in which frustration or usability signals showed.

    The reference documents no item shape; the fields follow the list's filters (the
    session id is a string, as in the delete operation's path). Attributes whose type the
    reference does not give (country, device, browser, ...) are loosely typed.
    """

    id: str
    recording_id: str | None = msgspec.field(default=None, name="recordingId")
    start_time: int | None = None
    end_time: int | None = None
    duration: float | None = None
    page_count: int | None = msgspec.field(default=None, name="pageCount")
    entry_page: str | None = msgspec.field(default=None, name="entryPage")
    exit_page: str | None = msgspec.field(default=None, name="exitPage")
    experience: Any = None
    location_id: int | None = None
    country: Any = None
    device: Any = None
    browser: Any = None
    starred: Any = None
    watched: Any = None
    signals: list[Any] | None = None
