"""Request bodies of the Convert REST API v2, one Struct per operation that takes a body.

Scaffolded from the operation catalog (field names, types, enums, required fields and the
limits the API reference states) and maintained by hand. Limits are declared with ``Meta``
and checked before anything is sent; fields left ``UNSET`` are not sent at all, so the
server's defaults apply.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import anyio
import msgspec
from msgspec import UNSET, Meta, UnsetType

from .._core.client import PagedBody
from .._core.codec import RequestModel
from .._core.multipart import Upload

JSONObject = dict[str, Any]

FileContent = bytes | tuple[Any, ...]
"""A file as an upload body holds it: bytes, or ``(filename, bytes[, content_type])``.

Not :data:`~convert_async._core.multipart.Upload` itself: msgspec can check neither a path nor a
union of two tuple shapes, so upload methods read a path first (:func:`read_upload`)."""


async def read_upload(value: Upload) -> FileContent:
    """``value`` ready for an upload body: a path is read (without blocking the loop) into
    ``(filename, bytes, content_type)``; bytes and tuples are returned as they are."""
    if isinstance(value, bytes | tuple):
        return value
    path = Path(value)
    content = await anyio.Path(path).read_bytes()
    return path.name, content, mimetypes.guess_type(path.name)[0] or "application/octet-stream"


# Enumerations the API reference lists, named after its schemas where it names them.
CookieLogoutRequestType = Literal["currentSession", "otherSessions", "allSessions"]
LiveDataEventType = Literal["view_experience", "conversion", "transaction"]
LiveDataExpandField = Literal[
    "custom_segments", "experiences", "experiences.variation", "conversion.goals", "project"
]
ChangeHistoryObjectType = Literal[
    "account",
    "audience",
    "feature",
    "collaborator",
    "domain",
    "goal",
    "hypothesis",
    "experience",
    "report",
    "change",
    "variation",
    "project",
    "tag",
]
ListAccountChangeHistorySortBy = Literal["timestamp", "project_id", "event", "object"]
ListAccountExperiencesSortBy = Literal[
    "id",
    "conversions",
    "improvement",
    "name",
    "start_time",
    "end_time",
    "status",
    "project_id",
    "primary_goal",
]
ExperienceType = Literal[
    "a/b", "a/a", "mvt", "split_url", "multipage", "deploy", "a/b_fullstack", "feature_rollout"
]
ExperienceIncludeField = Literal[
    "alerts",
    "goals",
    "stats",
    "variations",
    "variations.changes",
    "min_running_timestamp",
    "max_running_timestamp",
    "audiences",
    "locations",
    "collaborators",
]
ExperienceExpandField = Literal[
    "project", "audiences", "goals", "locations", "variations", "variations.changes", "tags"
]
GetAccountInclude = Literal["stats", "settings.tracking_script.available_versions"]
AccountAddonsType = Literal[
    "one_time_convert_launch", "conversionXl_mini_course", "convert_remote_1h", "goodUi_annual_solo"
]
CreateApiKeyAuthType = Literal["requestSigning", "secretKey"]
ScriptReleaseType = Literal["manual", "latest", "scheduled"]
ListProjectsSortBy = Literal[
    "id", "active_tests", "project_name", "project_type", "status", "used_visitors"
]
ProjectsListIncludeField = Literal[
    "global_javascript",
    "domains",
    "stats.usage",
    "stats.active_experiences_count",
    "stats.active_experiments_count",
    "stats.experiences_count",
    "stats.segments_count",
    "stats.active_segments_count",
    "stats.active_goals_count",
    "stats.google_analytics",
    "default_goals",
    "default_audiences",
    "default_locations",
    "settings.tracking_script.available_versions",
]
ProjectsListExpandField = Literal["default_goals", "default_audiences", "default_locations"]
ChangeHistoryObject = Literal[
    "audience", "feature", "domain", "goal", "hypothesis", "experience", "tag", "location"
]
ProjectStatus = Literal["active", "inactive", "suspended"]
ListExperiencesSortBy = Literal[
    "id",
    "conversions",
    "improvement",
    "name",
    "start_time",
    "end_time",
    "status",
    "primary_goal",
    "key",
]
ExperienceStatus = Literal[
    "draft", "active", "paused", "completed", "scheduled", "archived", "deleted"
]
ExperienceHistoryObject = Literal["report", "variation", "change"]
ListExperienceChangeHistorySortBy = Literal["timestamp", "event", "object"]
BulkExperienceStatus = Literal["active", "paused", "archived"]
ListExperienceSectionsInclude = Literal["versions", "versions.changes"]
MetricType = Literal["conversion_rate", "avg_revenue_visitor", "avg_products_ordered_visitor"]
DailyReportType = Literal["cumulative", "non_cumulative"]
DailyReportMetric = Literal[
    "conversion_rate", "avg_revenue_per_visitor", "avg_products_ordered_per_visitor"
]
ExportExperienceReportReportType = Literal["csv_aggregated", "csv_daily"]
GoalType = Literal[
    "advanced",
    "visits_page",
    "revenue",
    "clicks_link",
    "submits_form",
    "clicks_element",
    "dom_interaction",
    "scroll_percentage",
    "ga_import",
    "code_trigger",
]
ListGoalsSortBy = Literal[
    "id", "goal_tracking_status", "name", "times_used", "type", "key", "status"
]
ListHypothesesSortBy = Literal["id", "name", "score", "start_date", "status"]
HypothesisStatus = Literal["applied", "archived", "completed", "draft", "proven", "disproven"]
GetHypothesisExpand = Literal["project", "tags", "experiences"]
ListKnowledgeBasesSortBy = Literal["name", "updated_at", "status"]
ListObservationsSortBy = Literal["name", "created_by", "date_added", "status"]
ListLocationsSortBy = Literal["id", "name", "usage", "status", "key"]
LocationIncludeField = Literal["rules", "trigger", "stats.experiences_usage"]
ListAudiencesSortBy = Literal["id", "type", "name", "usage", "status", "key"]
ListAudiencesType = Literal["segmentation", "permanent", "transient"]
AudienceIncludeField = Literal["rules", "stats.experiences_usage"]
ListFeaturesSortBy = Literal["id", "name", "key", "status"]


class BulkIdsRequest(RequestModel):
    """Body of every ``bulk_delete_*`` operation: the ids to act on (1 to 100)."""

    id: Annotated[list[int], Meta(max_length=100, min_length=1)]


class BulkStatusRequest(BulkIdsRequest):
    """Body of the ``bulk_update_*`` operations that set ``active`` or ``archived``."""

    status: Literal["active", "archived"]


class ListRequest(PagedBody):
    """The paging fields every paginated list body shares."""

    page: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    results_per_page: Annotated[int, Meta(ge=1, le=50)] | UnsetType = UNSET
    only_count: bool | UnsetType = msgspec.field(default=UNSET, name="onlyCount")

    def for_page(self, page: int, size: int) -> Self:
        """This filter, asking for page ``page`` of ``size`` items."""
        return msgspec.structs.replace(self, page=page, results_per_page=size, only_count=UNSET)

    def for_count(self) -> Self:
        """This filter, asking only for the number of matching items."""
        return msgspec.structs.replace(self, page=UNSET, results_per_page=UNSET, only_count=True)


class SelectableListRequest(ListRequest):
    """A list body that can also pick (``only``), leave out (``except``) and order items."""

    sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET
    only: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    except_: Annotated[list[int], Meta(max_length=100)] | UnsetType = msgspec.field(
        default=UNSET, name="except"
    )


class CookieLoginRequest(RequestModel):
    """Body of ``cookie_login``."""

    request_type: str = msgspec.field(name="requestType")
    username: str | UnsetType = UNSET
    data: JSONObject | UnsetType = UNSET


class CookieRequestPasswordResetRequest(RequestModel):
    """Body of ``cookie_request_password_reset``."""

    username: str | UnsetType = UNSET


class CookieConfirmPasswordResetRequest(RequestModel):
    """Body of ``cookie_confirm_password_reset``."""

    code: str
    new_password: str = msgspec.field(name="newPassword")
    confirm_new_password: str = msgspec.field(name="confirmNewPassword")
    auth_sub: str | UnsetType = msgspec.field(default=UNSET, name="authSub")
    token: str | UnsetType = UNSET


class CookieLogoutRequest(RequestModel):
    """Body of ``cookie_logout``."""

    request_type: CookieLogoutRequestType | UnsetType = msgspec.field(
        default=UNSET, name="requestType"
    )


class UpdateCurrentUserRequest(RequestModel):
    """Body of ``update_current_user``."""

    first_name: Annotated[str, Meta(max_length=200)] | UnsetType = msgspec.field(
        default=UNSET, name="firstName"
    )
    last_name: Annotated[str, Meta(max_length=200)] | UnsetType = msgspec.field(
        default=UNSET, name="lastName"
    )
    current_password: Annotated[str, Meta(max_length=25)] | UnsetType = msgspec.field(
        default=UNSET, name="currentPassword"
    )
    new_password: Annotated[str, Meta(max_length=25)] | UnsetType = msgspec.field(
        default=UNSET, name="newPassword"
    )
    confirm_password: Annotated[str, Meta(max_length=25)] | UnsetType = msgspec.field(
        default=UNSET, name="confirmPassword"
    )
    email: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    mfa: Any | UnsetType = UNSET


class ConfirmUserEmailChangeRequest(RequestModel):
    """Body of ``confirm_user_email_change``."""

    code: str


class UpdateUserPreferencesRequest(RequestModel):
    """Body of ``update_user_preferences``."""

    editor_settings: JSONObject | UnsetType = msgspec.field(default=UNSET, name="editorSettings")
    display_settings: JSONObject | UnsetType = msgspec.field(default=UNSET, name="displaySettings")
    ui_settings: JSONObject | UnsetType | None = msgspec.field(default=UNSET, name="uiSettings")
    notifications_seen: list[str] | UnsetType = msgspec.field(
        default=UNSET, name="notificationsSeen"
    )
    general_settings: JSONObject | UnsetType = msgspec.field(default=UNSET, name="generalSettings")
    mfa_enabled: bool | UnsetType = msgspec.field(default=UNSET, name="mfaEnabled")


class GetAccountLiveDataRequest(RequestModel):
    """Body of ``get_account_live_data``."""

    event_types: list[LiveDataEventType] | UnsetType | None = UNSET
    projects: list[int] | UnsetType | None = UNSET
    segments: JSONObject | UnsetType | None = UNSET
    expand: list[LiveDataExpandField] | UnsetType | None = UNSET


class ListAccountChangeHistoryRequest(ListRequest):
    """Body of ``list_account_change_history``."""

    sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET
    methods: list[Literal["api", "app"]] | UnsetType | None = UNSET
    projects: list[int] | UnsetType | None = UNSET
    objects: list[ChangeHistoryObjectType] | UnsetType | None = UNSET
    sort_by: ListAccountChangeHistorySortBy | UnsetType | None = UNSET
    expand: list[Literal["project"]] | UnsetType | None = UNSET


class ListAccountExperiencesRequest(ListRequest):
    """Body of ``list_account_experiences``."""

    sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET
    projects: list[int] | UnsetType | None = UNSET
    sort_by: ListAccountExperiencesSortBy | UnsetType | None = UNSET
    search: str | UnsetType | None = UNSET
    type: list[ExperienceType] | UnsetType | None = UNSET
    include: list[ExperienceIncludeField] | UnsetType = UNSET
    expand: list[ExperienceExpandField] | UnsetType = UNSET


class UpdateAccountRequest(RequestModel):
    """Body of ``update_account``."""

    account_type: Literal["main", "sub"] | UnsetType = msgspec.field(
        default=UNSET, name="accountType"
    )
    name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    settings: JSONObject | UnsetType = UNSET
    billing: JSONObject | UnsetType = UNSET


class CreateSubAccountRequest(RequestModel):
    """Body of ``create_sub_account``."""

    name: Annotated[str, Meta(max_length=200)]
    billing: JSONObject
    user_name: str = msgspec.field(name="userName")
    user_email: str = msgspec.field(name="userEmail")
    account_type: Any | UnsetType = msgspec.field(default=UNSET, name="accountType")
    settings: JSONObject | UnsetType = UNSET
    send_user_email: bool | UnsetType = msgspec.field(default=UNSET, name="sendUserEmail")
    custom_email_text: Annotated[str, Meta(max_length=1024)] | UnsetType = msgspec.field(
        default=UNSET, name="customEmailText"
    )


class RequestAccountAddonsRequest(RequestModel):
    """Body of ``request_account_addons``."""

    addon: AccountAddonsType
    collaborator_email: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    collaborator_name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class GenerateAiTextVariationsRequest(RequestModel):
    """Body of ``generate_ai_text_variations``."""

    parameters: JSONObject
    content: str
    open_ai_key: str | UnsetType = msgspec.field(default=UNSET, name="openAI_Key")
    context_content: str | UnsetType = UNSET
    previous_responses: list[str] | UnsetType = msgspec.field(
        default=UNSET, name="previousResponses"
    )
    principle_class: Any | UnsetType = UNSET


class UpdateCollaboratorAccessRequest(RequestModel):
    """Body of ``update_collaborator_access``."""

    email: Any | UnsetType = UNSET
    user_id: str | UnsetType | None = UNSET
    first_name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    last_name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    accesses: list[JSONObject] | UnsetType = UNSET
    custom_message: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    expand: list[Literal["accesses.project"]] | UnsetType = UNSET


class InviteCollaboratorRequest(RequestModel):
    """Body of ``invite_collaborator``."""

    accesses: list[JSONObject]
    email: Annotated[str, Meta(max_length=100)]
    first_name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    last_name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    custom_message: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    expand: list[Literal["accesses.project"]] | UnsetType = UNSET


class RemoveCollaboratorAccessRequest(RequestModel):
    """Body of ``remove_collaborator_access``."""

    user_id: str | UnsetType | None = UNSET
    accesses: list[JSONObject] | UnsetType = UNSET


class CheckPartnerStatusRequest(RequestModel):
    """Body of ``check_partner_status``."""

    email: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET


class AcceptCollaboratorInvitationRequest(RequestModel):
    """Body of ``accept_collaborator_invitation``."""

    hash: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class CreateApiKeyRequest(RequestModel):
    """Body of ``create_api_key``."""

    name: Annotated[str, Meta(max_length=100)]
    auth_type: CreateApiKeyAuthType | UnsetType = UNSET
    projects: list[float] | UnsetType | None = UNSET


class ListProjectsRequest(SelectableListRequest):
    """Body of ``list_projects``."""

    status: list[Literal["active", "inactive"]] | UnsetType | None = UNSET
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    legacy_script: bool | UnsetType | None = UNSET
    tracking_script_release_type: list[ScriptReleaseType] | UnsetType | None = UNSET
    tracking_script_version: JSONObject | UnsetType | None = UNSET
    sort_by: ListProjectsSortBy | UnsetType | None = UNSET
    project_type: list[Literal["web", "fullstack"]] | UnsetType | None = UNSET
    include: list[ProjectsListIncludeField] | UnsetType = UNSET
    expand: list[ProjectsListExpandField] | UnsetType = UNSET


class ListProjectChangeHistoryRequest(ListRequest):
    """Body of ``list_project_change_history``."""

    sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET
    methods: list[Literal["api", "app"]] | UnsetType | None = UNSET
    objects: list[ChangeHistoryObject] | UnsetType | None = UNSET
    audiences: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    goals: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    locations: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    hypotheses: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    domains: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    tags: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    experiences: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    sort_by: ListAccountChangeHistorySortBy | UnsetType | None = UNSET
    expand: list[Literal["project"]] | UnsetType | None = UNSET


class CreateProjectRequest(RequestModel):
    """Body of ``create_project``."""

    name: Annotated[str, Meta(max_length=200)]
    global_javascript: str | UnsetType | None = UNSET
    project_type: Literal["web", "fullstack"] | UnsetType = UNSET
    reporting_settings: JSONObject | UnsetType = UNSET
    settings: JSONObject | UnsetType = UNSET
    integrations_settings: JSONObject | UnsetType = UNSET
    status: ProjectStatus | UnsetType = UNSET
    custom_domain: JSONObject | UnsetType | None = UNSET
    environments: JSONObject | UnsetType = UNSET
    default_goals: list[int | JSONObject] | UnsetType = UNSET
    default_audiences: list[int | JSONObject] | UnsetType = UNSET
    default_locations: list[int | JSONObject] | UnsetType = UNSET
    domains: list[JSONObject] | UnsetType = UNSET
    include: list[ProjectsListIncludeField] | UnsetType = UNSET
    expand: list[ProjectsListExpandField] | UnsetType = UNSET


class UpdateProjectRequest(RequestModel):
    """Body of ``update_project``."""

    global_javascript: str | UnsetType | None = UNSET
    name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    project_type: Literal["web", "fullstack"] | UnsetType = UNSET
    reporting_settings: JSONObject | UnsetType = UNSET
    settings: JSONObject | UnsetType = UNSET
    integrations_settings: JSONObject | UnsetType = UNSET
    status: ProjectStatus | UnsetType = UNSET
    custom_domain: JSONObject | UnsetType | None = UNSET
    environments: JSONObject | UnsetType = UNSET
    default_goals: list[int | JSONObject] | UnsetType = UNSET
    default_audiences: list[int | JSONObject] | UnsetType = UNSET
    default_locations: list[int | JSONObject] | UnsetType = UNSET
    domains: list[int | JSONObject] | UnsetType = UNSET
    include: list[ProjectsListIncludeField] | UnsetType = UNSET
    expand: list[ProjectsListExpandField] | UnsetType = UNSET


class GetProjectLiveDataRequest(RequestModel):
    """Body of ``get_project_live_data``."""

    experiences: list[int] | UnsetType | None = UNSET
    event_types: list[LiveDataEventType] | UnsetType | None = UNSET
    goals: Annotated[list[int], Meta(max_length=20)] | UnsetType | None = UNSET
    segments: JSONObject | UnsetType | None = UNSET
    expand: list[LiveDataExpandField] | UnsetType | None = UNSET


class BulkUpdateProjectsRequest(RequestModel):
    """Body of ``bulk_update_projects``."""

    id: Annotated[list[int], Meta(max_length=100, min_length=1)]
    settings: JSONObject | UnsetType = UNSET


class ExportProjectRequest(RequestModel):
    """Body of ``export_project``."""

    include_project: bool | UnsetType = msgspec.field(default=UNSET, name="includeProject")
    experiences: JSONObject | UnsetType = UNSET
    audiences: JSONObject | UnsetType = UNSET
    locations: JSONObject | UnsetType = UNSET
    goals: JSONObject | UnsetType = UNSET
    hypothesis: JSONObject | UnsetType = UNSET


class ImportProjectRequest(RequestModel):
    """Body of ``import_project`` (multipart: the project export JSON file)."""

    file: FileContent


class ImportProjectDataRequest(RequestModel):
    """Body of ``import_project_data`` (multipart: the project export JSON file)."""

    file: FileContent


class CreateSdkKeyRequest(RequestModel):
    """Body of ``create_sdk_key``."""

    name: Annotated[str, Meta(max_length=100)]
    environment: str
    status: Literal["enabled", "disabled"] | UnsetType = UNSET
    has_secret: bool | UnsetType = UNSET


class UpdateSdkKeyRequest(RequestModel):
    """Body of ``update_sdk_key``."""

    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    environment: str | UnsetType = UNSET
    status: Literal["enabled", "disabled"] | UnsetType = UNSET


class ListExperiencesRequest(SelectableListRequest):
    """Body of ``list_experiences``."""

    goal_id: int | UnsetType | None = UNSET
    sort_by: ListExperiencesSortBy | UnsetType | None = UNSET
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    status: list[ExperienceStatus] | UnsetType | None = UNSET
    type: list[ExperienceType] | UnsetType | None = UNSET
    tags: list[int] | UnsetType | None = UNSET
    audiences: list[int] | UnsetType | None = UNSET
    goals: list[int] | UnsetType | None = UNSET
    features: list[int] | UnsetType | None = UNSET
    hypotheses: list[int] | UnsetType | None = UNSET
    locations: list[int] | UnsetType | None = UNSET
    environments: list[str] | UnsetType | None = UNSET
    include: list[ExperienceIncludeField] | UnsetType = UNSET
    expand: list[ExperienceExpandField] | UnsetType = UNSET


class CreateExperienceRequest(RequestModel):
    """Body of ``create_experience``."""

    name: Annotated[str, Meta(max_length=100)]
    status: ExperienceStatus
    type: ExperienceType
    url: Annotated[str, Meta(max_length=2048)]
    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    start_time: int | UnsetType | None = UNSET
    end_time: int | UnsetType | None = UNSET
    global_js: str | UnsetType = UNSET
    global_css: str | UnsetType = UNSET
    key: Annotated[str, Meta(max_length=32)] | UnsetType = UNSET
    primary_goal: int | UnsetType = UNSET
    objective: Annotated[str, Meta(max_length=5000)] | UnsetType | None = UNSET
    settings: JSONObject | UnsetType = UNSET
    site_area: JSONObject | UnsetType | None = UNSET
    traffic_distribution: Annotated[float, Meta(ge=0, le=100)] | UnsetType = UNSET
    version: float | UnsetType = UNSET
    integrations: list[Any] | UnsetType = UNSET
    environments: list[str] | UnsetType = UNSET
    environment: str | UnsetType = UNSET
    multipage_pages: list[JSONObject] | UnsetType = UNSET
    audiences: list[int] | UnsetType = UNSET
    locations: list[int] | UnsetType = UNSET
    goals: list[int] | UnsetType = UNSET
    tags: list[int | JSONObject] | UnsetType = UNSET
    customizations: Annotated[list[JSONObject], Meta(max_length=100)] | UnsetType = UNSET
    variations: list[JSONObject] | UnsetType = UNSET


class CloneExperienceRequest(RequestModel):
    """Body of ``clone_experience``."""

    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET


class UpdateExperienceRequest(RequestModel):
    """Body of ``update_experience``."""

    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    start_time: int | UnsetType | None = UNSET
    end_time: int | UnsetType | None = UNSET
    global_js: str | UnsetType = UNSET
    global_css: str | UnsetType = UNSET
    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    key: Annotated[str, Meta(max_length=32)] | UnsetType = UNSET
    primary_goal: int | UnsetType = UNSET
    objective: Annotated[str, Meta(max_length=5000)] | UnsetType | None = UNSET
    settings: JSONObject | UnsetType = UNSET
    site_area: JSONObject | UnsetType | None = UNSET
    status: ExperienceStatus | UnsetType = UNSET
    traffic_distribution: Annotated[float, Meta(ge=0, le=100)] | UnsetType = UNSET
    type: ExperienceType | UnsetType = UNSET
    url: Annotated[str, Meta(max_length=2048)] | UnsetType = UNSET
    version: float | UnsetType = UNSET
    integrations: list[Any] | UnsetType = UNSET
    environments: list[str] | UnsetType = UNSET
    environment: str | UnsetType = UNSET
    multipage_pages: list[JSONObject] | UnsetType = UNSET
    audiences: list[int] | UnsetType = UNSET
    locations: list[int] | UnsetType = UNSET
    goals: list[int] | UnsetType = UNSET
    tags: list[int | JSONObject] | UnsetType = UNSET
    customizations: Annotated[list[JSONObject], Meta(max_length=100)] | UnsetType = UNSET
    variations: list[JSONObject] | UnsetType = UNSET


class ManageExperienceReportTokenRequest(RequestModel):
    """Body of ``manage_experience_report_token``."""

    token_action: Literal["regenerate", "delete"] | UnsetType = UNSET
    token_expiration: Annotated[int, Meta(ge=1, le=48)] | UnsetType = UNSET


class GetExperienceLiveDataRequest(RequestModel):
    """Body of ``get_experience_live_data``."""

    event_types: list[LiveDataEventType] | UnsetType | None = UNSET
    goals: Annotated[list[int], Meta(max_length=20)] | UnsetType | None = UNSET
    segments: JSONObject | UnsetType | None = UNSET
    expand: list[LiveDataExpandField] | UnsetType | None = UNSET


class ListExperienceChangeHistoryRequest(ListRequest):
    """Body of ``list_experience_change_history``."""

    methods: list[Literal["api", "app"]] | UnsetType | None = UNSET
    objects: list[ExperienceHistoryObject] | UnsetType | None = UNSET
    sort_by: ListExperienceChangeHistorySortBy | UnsetType | None = UNSET
    variations: Annotated[list[float], Meta(max_length=100)] | UnsetType | None = UNSET
    changes: Annotated[list[float], Meta(max_length=100)] | UnsetType | None = UNSET
    author_id: str | UnsetType | None = UNSET
    expand: list[Literal["project"]] | UnsetType | None = UNSET
    sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET


class GenerateExperienceScreenshotsRequest(RequestModel):
    """Body of ``generate_experience_screenshots``."""

    variations: list[float] | UnsetType = UNSET


class BulkUpdateExperiencesRequest(RequestModel):
    """Body of ``bulk_update_experiences``."""

    id: Annotated[list[int], Meta(max_length=100, min_length=1)]
    status: BulkExperienceStatus


class UpdateVariationRequest(RequestModel):
    """Body of ``update_variation``."""

    name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=2000)] | UnsetType | None = UNSET
    is_baseline: bool | UnsetType = UNSET
    traffic_distribution: Annotated[float, Meta(ge=0, le=100)] | UnsetType = UNSET
    key: Annotated[str, Meta(max_length=32)] | UnsetType = UNSET
    status: Literal["stopped", "running"] | UnsetType = UNSET
    changes: list[Any] | UnsetType = UNSET


class UploadVariationScreenshotRequest(RequestModel):
    """Body of ``upload_variation_screenshot``."""

    image: FileContent


class ConvertVariationToExperienceRequest(RequestModel):
    """Body of ``convert_variation_to_experience``."""

    experience_type: Literal["a/b", "deploy"] | UnsetType = UNSET


class CreateExperienceSectionRequest(RequestModel):
    """Body of ``create_experience_section``."""

    versions: list[JSONObject]
    id: Annotated[str, Meta(max_length=2, min_length=1, pattern="^[0-9a-z]{1,2}$")] | UnsetType = (
        UNSET
    )
    name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class UpdateExperienceSectionRequest(RequestModel):
    """Body of ``update_experience_section``."""

    versions: list[JSONObject]
    id: Annotated[str, Meta(max_length=2, min_length=1, pattern="^[0-9a-z]{1,2}$")] | UnsetType = (
        UNSET
    )
    name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class ReplaceExperienceSectionsRequest(RequestModel):
    """Body of ``replace_experience_sections``."""

    sections: list[JSONObject] | UnsetType = UNSET


class CreateSectionVersionRequest(RequestModel):
    """Body of ``create_section_version``."""

    id: Annotated[str, Meta(max_length=2, min_length=1, pattern="^[0-9a-z]{1,2}$")] | UnsetType = (
        UNSET
    )
    name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    changes: list[JSONObject] | UnsetType = UNSET


class UpdateSectionVersionRequest(RequestModel):
    """Body of ``update_section_version``."""

    id: Annotated[str, Meta(max_length=2, min_length=1, pattern="^[0-9a-z]{1,2}$")] | UnsetType = (
        UNSET
    )
    name: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    changes: list[Any] | UnsetType = UNSET


class UpdateVariationChangeRequest(RequestModel):
    """Body of ``update_variation_change``."""

    type: str
    data: JSONObject


class GetExperienceAggregatedReportRequest(RequestModel):
    """Body of ``get_experience_aggregated_report``."""

    goals: list[int] | UnsetType = UNSET
    metrics: list[MetricType] | UnsetType = UNSET
    utc_offset: Annotated[int, Meta(ge=-43200, le=50400)] | UnsetType = UNSET
    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET
    segments: JSONObject | UnsetType = UNSET
    stats_engine_processing: Any | UnsetType = UNSET


class GetExperienceDailyReportRequest(RequestModel):
    """Body of ``get_experience_daily_report``."""

    goal: float | UnsetType = UNSET
    report_type: DailyReportType | UnsetType = UNSET
    metric: DailyReportMetric | UnsetType = UNSET
    segments: JSONObject | UnsetType = UNSET
    utc_offset: Annotated[int, Meta(ge=-43200, le=50400)] | UnsetType = UNSET
    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET
    stats_engine_processing: Any | UnsetType = UNSET


class GetExperienceTrafficAllocationReportRequest(RequestModel):
    """Body of ``get_experience_traffic_allocation_report``."""

    utc_offset: Annotated[int, Meta(ge=-43200, le=50400)] | UnsetType = UNSET
    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET


class ExportExperienceReportRequest(RequestModel):
    """Body of ``export_experience_report``."""

    report_type: ExportExperienceReportReportType | UnsetType = UNSET
    data_type: DailyReportType | UnsetType = UNSET
    goals: list[int] | UnsetType = UNSET
    utc_offset: Annotated[int, Meta(ge=-43200, le=50400)] | UnsetType = UNSET
    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET
    segments: JSONObject | UnsetType = UNSET
    stats_engine_processing: Any | UnsetType = UNSET


class ExportExperienceRawDataRequest(RequestModel):
    """Body of ``export_experience_raw_data``."""

    events: list[LiveDataEventType] | UnsetType = UNSET
    goals: list[int] | UnsetType = UNSET
    utc_offset: Annotated[int, Meta(ge=-43200, le=50400)] | UnsetType = UNSET
    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET
    segments: JSONObject | UnsetType = UNSET
    stats_engine_processing: Any | UnsetType = UNSET


class DeleteExperienceReportDataRequest(RequestModel):
    """Body of ``delete_experience_report_data``."""

    start_time: float | None
    end_time: float | None
    utc_offset: Annotated[int, Meta(ge=-43200, le=50400)] | UnsetType = UNSET
    segments: JSONObject | UnsetType = UNSET
    stats_engine_processing: Any | UnsetType = UNSET
    events: Annotated[list[JSONObject], Meta(min_length=1)] | UnsetType = UNSET
    simulate: bool | UnsetType = UNSET


class ListGoalsRequest(ListRequest):
    """Body of ``list_goals``."""

    sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET
    status: list[Literal["active", "archived"]] | UnsetType | None = UNSET
    is_default: bool | UnsetType | None = UNSET
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    tracking: Literal["tracked", "not_tracked"] | UnsetType | None = UNSET
    usage: Literal["used", "not_used"] | UnsetType | None = UNSET
    goal_type: list[GoalType] | UnsetType | None = UNSET
    experiences: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    sort_by: ListGoalsSortBy | UnsetType | None = UNSET
    include: list[Literal["triggering_rule", "stats"]] | UnsetType = UNSET
    only: Annotated[list[int], Meta(max_length=200)] | UnsetType | None = UNSET
    except_: Annotated[list[int], Meta(max_length=200)] | UnsetType = msgspec.field(
        default=UNSET, name="except"
    )


class CreateGoalRequest(RequestModel):
    """Body of ``create_goal``."""

    name: Annotated[str, Meta(max_length=100)]
    triggering_rule: JSONObject | None
    type: Any
    key: Annotated[str, Meta(max_length=32)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    selected_default: bool | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    settings: Any | UnsetType = UNSET


class UpdateGoalRequest(RequestModel):
    """Body of ``update_goal``."""

    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    key: Annotated[str, Meta(max_length=32)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    triggering_rule: JSONObject | UnsetType | None = UNSET
    selected_default: bool | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    type: Any | UnsetType = UNSET
    settings: Any | UnsetType = UNSET


class ListHypothesesRequest(SelectableListRequest):
    """Body of ``list_hypotheses``."""

    sort_by: ListHypothesesSortBy | UnsetType | None = UNSET
    score_max: int | UnsetType | None = msgspec.field(default=UNSET, name="scoreMax")
    score_min: int | UnsetType | None = msgspec.field(default=UNSET, name="scoreMin")
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    status: list[HypothesisStatus] | UnsetType | None = UNSET
    experiences: list[int] | UnsetType | None = UNSET
    tags: list[int] | UnsetType | None = UNSET
    expand: list[Literal["project", "tags"]] | UnsetType = UNSET


class CreateHypothesisRequest(RequestModel):
    """Body of ``create_hypothesis``."""

    name: Annotated[str, Meta(max_length=100)]
    status: HypothesisStatus
    prioritization_score_type: str
    prioritization_score_attributes: JSONObject
    url: Annotated[str, Meta(max_length=2048)] | UnsetType | None = UNSET
    objective: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    start_date: Annotated[str, Meta(max_length=10)] | UnsetType | None = UNSET
    end_date: Annotated[str, Meta(max_length=10)] | UnsetType | None = UNSET
    summary: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=5000)] | UnsetType | None = UNSET
    files: list[JSONObject] | UnsetType | None = UNSET
    created_at: int | UnsetType = UNSET
    experiences: Annotated[list[int], Meta(max_length=100)] | UnsetType = UNSET
    tags: list[int | JSONObject] | UnsetType | None = UNSET


class UpdateHypothesisRequest(RequestModel):
    """Body of ``update_hypothesis``."""

    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    url: Annotated[str, Meta(max_length=2048)] | UnsetType | None = UNSET
    objective: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    status: HypothesisStatus | UnsetType = UNSET
    start_date: Annotated[str, Meta(max_length=10)] | UnsetType | None = UNSET
    end_date: Annotated[str, Meta(max_length=10)] | UnsetType | None = UNSET
    summary: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=5000)] | UnsetType | None = UNSET
    files: list[JSONObject] | UnsetType | None = UNSET
    created_at: int | UnsetType = UNSET
    prioritization_score_type: str | UnsetType = UNSET
    prioritization_score_attributes: JSONObject | UnsetType = UNSET
    experiences: Annotated[list[int], Meta(max_length=100)] | UnsetType = UNSET
    tags: list[int | JSONObject] | UnsetType | None = UNSET


class UpdateHypothesisStatusRequest(RequestModel):
    """Body of ``update_hypothesis_status``."""

    status: HypothesisStatus | UnsetType = UNSET


class BulkUpdateHypothesesRequest(RequestModel):
    """Body of ``bulk_update_hypotheses``."""

    id: Annotated[list[int], Meta(max_length=100, min_length=1)]
    status: HypothesisStatus


class ListKnowledgeBasesRequest(SelectableListRequest):
    """Body of ``list_knowledge_bases``."""

    sort_by: ListKnowledgeBasesSortBy | UnsetType | None = UNSET
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    status: list[Literal["active", "archived"]] | UnsetType | None = UNSET
    tags: list[int] | UnsetType | None = UNSET
    expand: list[Literal["project", "tags"]] | UnsetType = UNSET


class CreateKnowledgeBaseRequest(RequestModel):
    """Body of ``create_knowledge_base``."""

    name: Annotated[str, Meta(max_length=100)]
    status: Literal["active", "archived"] | UnsetType = UNSET
    summary: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    url: Annotated[str, Meta(max_length=2048)] | UnsetType | None = UNSET
    objective: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    start_date: Annotated[str, Meta(max_length=10)] | UnsetType | None = UNSET
    end_date: Annotated[str, Meta(max_length=10)] | UnsetType | None = UNSET
    prioritization_score_type: str | UnsetType | None = UNSET
    prioritization_score_attributes: JSONObject | UnsetType | None = UNSET
    experiences: list[int | JSONObject] | UnsetType | None = UNSET
    description: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    files: list[JSONObject] | UnsetType | None = UNSET
    tags: list[int | JSONObject] | UnsetType | None = UNSET


class UpdateKnowledgeBaseStatusRequest(RequestModel):
    """Body of ``update_knowledge_base_status``."""

    status: Literal["active", "archived"] | UnsetType = UNSET


class ListObservationsRequest(SelectableListRequest):
    """Body of ``list_observations``."""

    sort_by: ListObservationsSortBy | UnsetType | None = UNSET
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    status: list[Literal["active", "archived"]] | UnsetType | None = UNSET
    tags: list[int] | UnsetType | None = UNSET
    expand: list[Literal["project", "tags"]] | UnsetType = UNSET


class CreateObservationRequest(RequestModel):
    """Body of ``create_observation``."""

    name: Annotated[str, Meta(max_length=100)]
    description: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    url: Annotated[str, Meta(max_length=2048)] | UnsetType = UNSET
    images: Annotated[list[JSONObject], Meta(max_length=3)] | UnsetType | None = UNSET
    files: Annotated[list[JSONObject], Meta(max_length=3)] | UnsetType | None = UNSET
    tags: list[int | JSONObject] | UnsetType | None = UNSET


class UpdateObservationRequest(RequestModel):
    """Body of ``update_observation``."""

    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=5000)] | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    url: Annotated[str, Meta(max_length=2048)] | UnsetType = UNSET
    images: Annotated[list[JSONObject], Meta(max_length=3)] | UnsetType | None = UNSET
    files: Annotated[list[JSONObject], Meta(max_length=3)] | UnsetType | None = UNSET
    tags: list[int | JSONObject] | UnsetType | None = UNSET


class ListLocationsRequest(SelectableListRequest):
    """Body of ``list_locations``."""

    status: list[Literal["active", "archived"]] | UnsetType | None = UNSET
    is_default: bool | UnsetType | None = UNSET
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    sort_by: ListLocationsSortBy | UnsetType | None = UNSET
    usage: Literal["used", "not_used"] | UnsetType | None = UNSET
    include: list[LocationIncludeField] | UnsetType = UNSET


class CreateLocationRequest(RequestModel):
    """Body of ``create_location``."""

    name: Annotated[str, Meta(max_length=100)]
    rules: JSONObject | None
    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    selected_default: bool | UnsetType = UNSET
    trigger: Any | UnsetType = UNSET


class UpdateLocationRequest(RequestModel):
    """Body of ``update_location``."""

    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    selected_default: bool | UnsetType = UNSET
    rules: JSONObject | UnsetType | None = UNSET
    trigger: Any | UnsetType = UNSET


class ListAudiencesRequest(SelectableListRequest):
    """Body of ``list_audiences``."""

    status: list[Literal["active", "archived"]] | UnsetType | None = UNSET
    search: Annotated[str, Meta(max_length=200)] | UnsetType | None = UNSET
    is_default: bool | UnsetType | None = UNSET
    sort_by: ListAudiencesSortBy | UnsetType | None = UNSET
    type: ListAudiencesType | UnsetType | None = UNSET
    experiences: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    usage: Literal["used", "not_used"] | UnsetType | None = UNSET
    include: list[AudienceIncludeField] | UnsetType = UNSET


class CreateAudienceRequest(RequestModel):
    """Body of ``create_audience``."""

    name: Annotated[str, Meta(max_length=100)]
    type: Literal["permanent", "transient"]
    rules: JSONObject | None
    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    selected_default: bool | UnsetType = UNSET


class UpdateAudienceRequest(RequestModel):
    """Body of ``update_audience``."""

    description: Annotated[str, Meta(max_length=500)] | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    selected_default: bool | UnsetType = UNSET
    type: Literal["permanent", "transient"] | UnsetType = UNSET
    rules: JSONObject | UnsetType | None = UNSET


class ListDomainsRequest(ListRequest):
    """Body of ``list_domains``."""

    only: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    except_: Annotated[list[int], Meta(max_length=100)] | UnsetType = msgspec.field(
        default=UNSET, name="except"
    )


class GetDomainByUrlRequest(RequestModel):
    """Body of ``get_domain_by_url``."""

    url: Annotated[str, Meta(max_length=255)] | UnsetType = UNSET


class VerifyDomainTrackingCodeRequest(RequestModel):
    """Body of ``verify_domain_tracking_code``."""

    url: Annotated[str, Meta(max_length=255)] | UnsetType = UNSET


class CreateDomainRequest(RequestModel):
    """Body of ``create_domain``."""

    url: Annotated[str, Meta(max_length=150, pattern="^(http|https)://")]
    code_installed: bool | UnsetType = UNSET


class UpdateDomainRequest(RequestModel):
    """Body of ``update_domain``."""

    url: Annotated[str, Meta(max_length=150, pattern="^(http|https)://")] | UnsetType = UNSET
    code_installed: bool | UnsetType = UNSET


class ListImagesRequest(RequestModel):
    """Body of ``list_images``."""

    start_from: str | UnsetType = UNSET
    max_results: Annotated[int, Meta(ge=0, le=100)] | UnsetType | None = UNSET


class UploadImageRequest(RequestModel):
    """Body of ``upload_image``."""

    image_name: Annotated[str, Meta(max_length=200)]
    image: FileContent


class UploadFileRequest(RequestModel):
    """Body of ``upload_file``."""

    file_name: Annotated[str, Meta(max_length=200)]
    file: FileContent


class ListTagsRequest(ListRequest):
    """Body of ``list_tags``."""

    only: Annotated[list[int], Meta(max_length=100)] | UnsetType | None = UNSET
    except_: Annotated[list[int], Meta(max_length=100)] | UnsetType = msgspec.field(
        default=UNSET, name="except"
    )
    search: Annotated[str, Meta(max_length=100)] | UnsetType | None = UNSET


class CreateTagRequest(RequestModel):
    """Body of ``create_tag``."""

    name: Annotated[str, Meta(max_length=100)]
    description: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class UpdateTagRequest(RequestModel):
    """Body of ``update_tag``."""

    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class ListFeaturesRequest(SelectableListRequest):
    """Body of ``list_features``."""

    search: Annotated[str, Meta(max_length=100)] | UnsetType | None = UNSET
    sort_by: ListFeaturesSortBy | UnsetType | None = UNSET
    include: list[Literal["stats"]] | UnsetType = UNSET


class CreateFeatureRequest(RequestModel):
    """Body of ``create_feature``."""

    name: Annotated[str, Meta(max_length=100)]
    variables: list[Any]
    status: Literal["active", "archived"] | UnsetType = UNSET
    key: Annotated[str, Meta(max_length=32)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET


class UpdateFeatureRequest(RequestModel):
    """Body of ``update_feature``."""

    id: Any | UnsetType = UNSET
    name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    status: Literal["active", "archived"] | UnsetType = UNSET
    key: Annotated[str, Meta(max_length=32)] | UnsetType = UNSET
    description: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    variables: list[Any] | UnsetType = UNSET


class ListSignalSessionsRequest(ListRequest):
    """Body of ``list_signal_sessions``."""

    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET
    utc_offset: Annotated[int, Meta(ge=-43200, le=50400)] | UnsetType = UNSET
    experience: JSONObject | UnsetType = UNSET
    location_id: int | UnsetType = UNSET
    starred: str | UnsetType = UNSET
    watched: str | UnsetType = UNSET
    country: JSONObject | UnsetType | None = UNSET
    os: JSONObject | UnsetType = UNSET
    browser: JSONObject | UnsetType | None = UNSET
    devices: JSONObject | UnsetType | None = UNSET
    contains_page: str | UnsetType = msgspec.field(default=UNSET, name="containsPage")
    not_contains_page: str | UnsetType = msgspec.field(default=UNSET, name="notContainsPage")
    duration: JSONObject | UnsetType | None = UNSET
    page_count: JSONObject | UnsetType | None = msgspec.field(default=UNSET, name="pageCount")
    entry_page: str | UnsetType = msgspec.field(default=UNSET, name="entryPage")
    exit_page: str | UnsetType = msgspec.field(default=UNSET, name="exitPage")
    referrer_urls: list[str] | UnsetType = msgspec.field(default=UNSET, name="referrerURLs")
    traffic_channels: list[str] | UnsetType = msgspec.field(default=UNSET, name="trafficChannels")
    ad_campaign_labels: list[str] | UnsetType = msgspec.field(
        default=UNSET, name="adCampaignLabels"
    )
    recording_id: str | UnsetType = msgspec.field(default=UNSET, name="recordingId")


__all__ = [
    "AcceptCollaboratorInvitationRequest",
    "AccountAddonsType",
    "AudienceIncludeField",
    "BulkExperienceStatus",
    "BulkIdsRequest",
    "BulkStatusRequest",
    "BulkUpdateExperiencesRequest",
    "BulkUpdateHypothesesRequest",
    "BulkUpdateProjectsRequest",
    "ChangeHistoryObject",
    "ChangeHistoryObjectType",
    "CheckPartnerStatusRequest",
    "CloneExperienceRequest",
    "ConfirmUserEmailChangeRequest",
    "ConvertVariationToExperienceRequest",
    "CookieConfirmPasswordResetRequest",
    "CookieLoginRequest",
    "CookieLogoutRequest",
    "CookieLogoutRequestType",
    "CookieRequestPasswordResetRequest",
    "CreateApiKeyAuthType",
    "CreateApiKeyRequest",
    "CreateAudienceRequest",
    "CreateDomainRequest",
    "CreateExperienceRequest",
    "CreateExperienceSectionRequest",
    "CreateFeatureRequest",
    "CreateGoalRequest",
    "CreateHypothesisRequest",
    "CreateKnowledgeBaseRequest",
    "CreateLocationRequest",
    "CreateObservationRequest",
    "CreateProjectRequest",
    "CreateSdkKeyRequest",
    "CreateSectionVersionRequest",
    "CreateSubAccountRequest",
    "CreateTagRequest",
    "DailyReportMetric",
    "DailyReportType",
    "DeleteExperienceReportDataRequest",
    "ExperienceExpandField",
    "ExperienceHistoryObject",
    "ExperienceIncludeField",
    "ExperienceStatus",
    "ExperienceType",
    "ExportExperienceRawDataRequest",
    "ExportExperienceReportReportType",
    "ExportExperienceReportRequest",
    "ExportProjectRequest",
    "GenerateAiTextVariationsRequest",
    "GenerateExperienceScreenshotsRequest",
    "GetAccountInclude",
    "GetAccountLiveDataRequest",
    "GetDomainByUrlRequest",
    "GetExperienceAggregatedReportRequest",
    "GetExperienceDailyReportRequest",
    "GetExperienceLiveDataRequest",
    "GetExperienceTrafficAllocationReportRequest",
    "GetHypothesisExpand",
    "GetProjectLiveDataRequest",
    "GoalType",
    "HypothesisStatus",
    "ImportProjectDataRequest",
    "ImportProjectRequest",
    "InviteCollaboratorRequest",
    "ListAccountChangeHistoryRequest",
    "ListAccountChangeHistorySortBy",
    "ListAccountExperiencesRequest",
    "ListAccountExperiencesSortBy",
    "ListAudiencesRequest",
    "ListAudiencesSortBy",
    "ListAudiencesType",
    "ListDomainsRequest",
    "ListExperienceChangeHistoryRequest",
    "ListExperienceChangeHistorySortBy",
    "ListExperienceSectionsInclude",
    "ListExperiencesRequest",
    "ListExperiencesSortBy",
    "ListFeaturesRequest",
    "ListFeaturesSortBy",
    "ListGoalsRequest",
    "ListGoalsSortBy",
    "ListHypothesesRequest",
    "ListHypothesesSortBy",
    "ListImagesRequest",
    "ListKnowledgeBasesRequest",
    "ListKnowledgeBasesSortBy",
    "ListLocationsRequest",
    "ListLocationsSortBy",
    "ListObservationsRequest",
    "ListObservationsSortBy",
    "ListProjectChangeHistoryRequest",
    "ListProjectsRequest",
    "ListProjectsSortBy",
    "ListRequest",
    "ListSignalSessionsRequest",
    "ListTagsRequest",
    "LiveDataEventType",
    "LiveDataExpandField",
    "LocationIncludeField",
    "ManageExperienceReportTokenRequest",
    "MetricType",
    "ProjectStatus",
    "ProjectsListExpandField",
    "ProjectsListIncludeField",
    "RemoveCollaboratorAccessRequest",
    "ReplaceExperienceSectionsRequest",
    "RequestAccountAddonsRequest",
    "ScriptReleaseType",
    "SelectableListRequest",
    "UpdateAccountRequest",
    "UpdateAudienceRequest",
    "UpdateCollaboratorAccessRequest",
    "UpdateCurrentUserRequest",
    "UpdateDomainRequest",
    "UpdateExperienceRequest",
    "UpdateExperienceSectionRequest",
    "UpdateFeatureRequest",
    "UpdateGoalRequest",
    "UpdateHypothesisRequest",
    "UpdateHypothesisStatusRequest",
    "UpdateKnowledgeBaseStatusRequest",
    "UpdateLocationRequest",
    "UpdateObservationRequest",
    "UpdateProjectRequest",
    "UpdateSdkKeyRequest",
    "UpdateSectionVersionRequest",
    "UpdateTagRequest",
    "UpdateUserPreferencesRequest",
    "UpdateVariationChangeRequest",
    "UpdateVariationRequest",
    "UploadFileRequest",
    "UploadImageRequest",
    "UploadVariationScreenshotRequest",
    "VerifyDomainTrackingCodeRequest",
]
