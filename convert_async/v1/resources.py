"""The v1 resources: projects, experiences, variations, goals, hypotheses, audiences, reports.

List methods return an :class:`~convert_async.AsyncPager`: ``await`` it for the first page,
``async for`` over it for every item (pages are requested with ``page`` and
``results_per_page`` in the body until one comes back short).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from .._core.pagination import AsyncPager
from ._resource import Resource
from .models import Audience, Experience, Goal, Hypothesis, Project, Report
from .requests import (
    AudienceRequest,
    AudienceType,
    ExperienceRequest,
    ExperienceStatus,
    ExperienceType,
    ExperienceVariationRequest,
    GoalRequest,
    GoalType,
    HypothesisRequest,
    HypothesisStatusRequest,
    ListAudiencesRequest,
    ListExperiencesRequest,
    ListGoalsRequest,
    ListHypothesesRequest,
    ListProjectsRequest,
    ProjectRequest,
    ProjectStatus,
    ReportRequest,
    VariationRequest,
)

__all__ = [
    "DEFAULT_V1_PAGE_SIZE",
    "Audiences",
    "Experiences",
    "Goals",
    "Hypotheses",
    "Projects",
    "Reports",
    "Variations",
]

#: v1's own default page size (``results_per_page``).
DEFAULT_V1_PAGE_SIZE = 50

JSONObject = dict[str, Any]


class Projects(Resource):
    """Projects of the account the API key belongs to."""

    def list(self, *, page_size: int = DEFAULT_V1_PAGE_SIZE) -> AsyncPager[Project]:
        """List the projects inside the account (own or shared with)."""
        return self._list("list_projects", Project, locals(), body=ListProjectsRequest)

    async def get(self, *, project_id: str) -> Project:
        """Return a project by id."""
        return await self._call("get_project", Project, locals())

    async def create(
        self,
        *,
        name: str,
        status: ProjectStatus | UnsetType = UNSET,
        reporting_settings: JSONObject | UnsetType = UNSET,
        include_jquery: Literal[0, 1] | UnsetType = UNSET,
        allow_crossdomain_tracking: Literal[0, 1] | UnsetType = UNSET,
        data_anonymization: Literal[0, 1] | UnsetType = UNSET,
        websites: Sequence[str] | UnsetType = UNSET,
        global_javascript: str | UnsetType = UNSET,
    ) -> Project:
        """Add a project."""
        return await self._call("create_project", Project, locals(), body=ProjectRequest)

    async def update(
        self,
        *,
        project_id: str,
        name: str | UnsetType = UNSET,
        status: ProjectStatus | UnsetType = UNSET,
        reporting_settings: JSONObject | UnsetType = UNSET,
        include_jquery: Literal[0, 1] | UnsetType = UNSET,
        allow_crossdomain_tracking: Literal[0, 1] | UnsetType = UNSET,
        data_anonymization: Literal[0, 1] | UnsetType = UNSET,
        websites: Sequence[str] | UnsetType = UNSET,
        global_javascript: str | UnsetType = UNSET,
    ) -> Project:
        """Update a project."""
        return await self._call("update_project", Project, locals(), body=ProjectRequest)


class Experiences(Resource):
    """Experiences of a project."""

    def list(
        self,
        *,
        project_id: str,
        experience_types: Sequence[ExperienceType] | UnsetType = UNSET,
        experience_status: Sequence[ExperienceStatus] | UnsetType = UNSET,
        search: str | UnsetType = UNSET,
        page_size: int = DEFAULT_V1_PAGE_SIZE,
    ) -> AsyncPager[Experience]:
        """List the experiences of a project, optionally filtered by type, status or text."""
        return self._list("list_experiences", Experience, locals(), body=ListExperiencesRequest)

    async def get(self, *, project_id: str, experience_id: str) -> Experience:
        """Return an experience with its variations."""
        return await self._call("get_experience", Experience, locals())

    async def create(
        self,
        *,
        project_id: str,
        name: str,
        experience_type: ExperienceType | UnsetType = UNSET,
        experience_status: ExperienceStatus | UnsetType = UNSET,
        experience_description: str | UnsetType = UNSET,
        global_js: str | UnsetType = UNSET,
        editor_url: str | UnsetType = UNSET,
        keep_winner: bool | UnsetType = UNSET,
        stop_looser: bool | UnsetType = UNSET,
        minrun: float | UnsetType = UNSET,
        maxrun: float | UnsetType = UNSET,
        minordv: float | UnsetType = UNSET,
        maxordv: float | UnsetType = UNSET,
        minconv: float | UnsetType = UNSET,
        minvis: float | UnsetType = UNSET,
        maxvis: float | UnsetType = UNSET,
        site_area: JSONObject | UnsetType = UNSET,
        goals: Sequence[JSONObject] | UnsetType = UNSET,
        audiences: Sequence[JSONObject] | UnsetType = UNSET,
        variations: Sequence[ExperienceVariationRequest | JSONObject] | UnsetType = UNSET,
        confidence: float | UnsetType = UNSET,
    ) -> Experience:
        """Add an experience to a project; each of ``variations`` is
        ``{"variation": {"name", "url", ...}, "percentage"}`` as the v1 reference nests it.
        ``minrun``/``maxrun`` bound its running time in days, ``minordv``/``maxordv`` the
        order values counted (outliers), ``minconv``/``minvis`` the conversions and visitors
        each variation needs, ``maxvis`` the visitors it runs for."""
        return await self._call("create_experience", Experience, locals(), body=ExperienceRequest)

    async def update(
        self,
        *,
        project_id: str,
        experience_id: str,
        name: str | UnsetType = UNSET,
        experience_type: ExperienceType | UnsetType = UNSET,
        experience_status: ExperienceStatus | UnsetType = UNSET,
        experience_description: str | UnsetType = UNSET,
        global_js: str | UnsetType = UNSET,
        editor_url: str | UnsetType = UNSET,
        keep_winner: bool | UnsetType = UNSET,
        stop_looser: bool | UnsetType = UNSET,
        minrun: float | UnsetType = UNSET,
        maxrun: float | UnsetType = UNSET,
        minordv: float | UnsetType = UNSET,
        maxordv: float | UnsetType = UNSET,
        minconv: float | UnsetType = UNSET,
        minvis: float | UnsetType = UNSET,
        maxvis: float | UnsetType = UNSET,
        site_area: JSONObject | UnsetType = UNSET,
        goals: Sequence[JSONObject] | UnsetType = UNSET,
        audiences: Sequence[JSONObject] | UnsetType = UNSET,
        variations: Sequence[ExperienceVariationRequest | JSONObject] | UnsetType = UNSET,
        confidence: float | UnsetType = UNSET,
    ) -> Experience:
        """Update an experience (the fields as :meth:`create` takes them)."""
        return await self._call("update_experience", Experience, locals(), body=ExperienceRequest)


class Variations(Resource):
    """Variations of an experience."""

    async def add(
        self,
        *,
        project_id: str,
        experience_id: str,
        name: str,
        url: str | UnsetType = UNSET,
        js: str | UnsetType = UNSET,
        customjs: str | UnsetType = UNSET,
        css: str | UnsetType = UNSET,
        percentage: float | UnsetType = UNSET,
    ) -> Experience:
        """Add a variation to an experience; returns the experience with it."""
        return await self._call("add_variation", Experience, locals(), body=VariationRequest)

    async def delete(self, *, project_id: str, experience_id: str, variation_id: str) -> Experience:
        """Delete a variation; returns the experience after the change."""
        return await self._call("delete_variation", Experience, locals())


class Goals(Resource):
    """Conversion goals of a project."""

    def list(
        self,
        *,
        project_id: str,
        search: str | UnsetType = UNSET,
        page_size: int = DEFAULT_V1_PAGE_SIZE,
    ) -> AsyncPager[Goal]:
        """List the goals of a project."""
        return self._list("list_goals", Goal, locals(), body=ListGoalsRequest)

    async def get(self, *, project_id: str, goal_id: str) -> Goal:
        """Return a goal."""
        return await self._call("get_goal", Goal, locals())

    async def create(
        self,
        *,
        project_id: str,
        goal_name: str,
        goal_type: GoalType,
        description: str | UnsetType = UNSET,
        triggering_rule: JSONObject | UnsetType = UNSET,
        dom_interaction: Sequence[JSONObject] | UnsetType = UNSET,
    ) -> Goal:
        """Add a goal to a project."""
        return await self._call("create_goal", Goal, locals(), body=GoalRequest)

    async def update(
        self,
        *,
        project_id: str,
        goal_id: str,
        goal_name: str | UnsetType = UNSET,
        goal_type: GoalType | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        triggering_rule: JSONObject | UnsetType = UNSET,
        dom_interaction: Sequence[JSONObject] | UnsetType = UNSET,
    ) -> Goal:
        """Update a goal (``goal_id`` is sent in the path and the body)."""
        return await self._call("update_goal", Goal, locals(), body=GoalRequest)


class Hypotheses(Resource):
    """Hypotheses of a project."""

    def list(
        self,
        *,
        project_id: str,
        search: str | UnsetType = UNSET,
        status: Sequence[ExperienceStatus] | UnsetType = UNSET,
        score_min: float | UnsetType = UNSET,
        score_max: float | UnsetType = UNSET,
        page_size: int = DEFAULT_V1_PAGE_SIZE,
    ) -> AsyncPager[Hypothesis]:
        """List the hypotheses of a project (scores from 0 to 5)."""
        return self._list("list_hypotheses", Hypothesis, locals(), body=ListHypothesesRequest)

    async def get(self, *, project_id: str, hypothesis_id: str) -> Hypothesis:
        """Return a hypothesis."""
        return await self._call("get_hypothesis", Hypothesis, locals())

    async def create(
        self,
        *,
        project_id: str,
        name: str,
        objective: str | UnsetType = UNSET,
        prioritization_score: float | UnsetType = UNSET,
        prioritization_score_type: Literal["PIE", "ICE"] | UnsetType = UNSET,
        prioritization_score_attributes: JSONObject | UnsetType = UNSET,
        status: ExperienceStatus | UnsetType = UNSET,
        start_date: str | UnsetType = UNSET,
        end_date: str | UnsetType = UNSET,
        tags: Sequence[JSONObject] | UnsetType = UNSET,
        summary: str | UnsetType = UNSET,
    ) -> Hypothesis:
        """Add a hypothesis to a project."""
        return await self._call("create_hypothesis", Hypothesis, locals(), body=HypothesisRequest)

    async def update(
        self,
        *,
        project_id: str,
        hypothesis_id: str,
        name: str | UnsetType = UNSET,
        objective: str | UnsetType = UNSET,
        prioritization_score: float | UnsetType = UNSET,
        prioritization_score_type: Literal["PIE", "ICE"] | UnsetType = UNSET,
        prioritization_score_attributes: JSONObject | UnsetType = UNSET,
        status: ExperienceStatus | UnsetType = UNSET,
        start_date: str | UnsetType = UNSET,
        end_date: str | UnsetType = UNSET,
        tags: Sequence[JSONObject] | UnsetType = UNSET,
        summary: str | UnsetType = UNSET,
    ) -> Hypothesis:
        """Update a hypothesis."""
        return await self._call("update_hypothesis", Hypothesis, locals(), body=HypothesisRequest)

    async def update_status(
        self, *, project_id: str, hypothesis_id: str, status: ExperienceStatus
    ) -> Hypothesis:
        """Change the status of a hypothesis."""
        return await self._call(
            "update_hypothesis_status", Hypothesis, locals(), body=HypothesisStatusRequest
        )


class Audiences(Resource):
    """Audiences of a project."""

    def list(
        self,
        *,
        project_id: str,
        search: str | UnsetType = UNSET,
        is_segment: bool | UnsetType = UNSET,
        is_used: bool | UnsetType = UNSET,
        page_size: int = DEFAULT_V1_PAGE_SIZE,
    ) -> AsyncPager[Audience]:
        """List the audiences of a project."""
        return self._list("list_audiences", Audience, locals(), body=ListAudiencesRequest)

    async def get(self, *, project_id: str, audience_id: str) -> Audience:
        """Return an audience."""
        return await self._call("get_audience", Audience, locals())

    async def create(
        self,
        *,
        project_id: str,
        audience_name: str,
        audience_type: AudienceType | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        firing_rule: JSONObject | UnsetType = UNSET,
    ) -> Audience:
        """Add an audience to a project."""
        return await self._call("create_audience", Audience, locals(), body=AudienceRequest)

    async def update(
        self,
        *,
        project_id: str,
        audience_id: str,
        audience_name: str | UnsetType = UNSET,
        audience_type: AudienceType | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        firing_rule: JSONObject | UnsetType = UNSET,
    ) -> Audience:
        """Update an audience (``audience_id`` is sent in the path and the body)."""
        return await self._call("update_audience", Audience, locals(), body=AudienceRequest)


class Reports(Resource):
    """Experience reports (the reply's shape is undocumented: it is returned as JSON)."""

    async def get_goal(
        self,
        *,
        project_id: str,
        experience_id: str,
        goal_id: str,
        start_timestamp: float | UnsetType = UNSET,
        end_timestamp: float | UnsetType = UNSET,
    ) -> Report:
        """The report of one goal of an experience, optionally for a time range."""
        return await self._call("get_goal_report", Report, locals(), body=ReportRequest)

    async def get_experience(
        self,
        *,
        project_id: str,
        experience_id: str,
        start_timestamp: float | UnsetType = UNSET,
        end_timestamp: float | UnsetType = UNSET,
    ) -> Report:
        """The report of an experience, optionally for a time range."""
        return await self._call("get_experience_report", Report, locals(), body=ReportRequest)
