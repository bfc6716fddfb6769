"""Convert REST v2 resources: thin, typed methods over the operation table."""

from __future__ import annotations

from collections.abc import Sequence

from .._core._constants import DEFAULT_PAGE_SIZE
from .._core.pagination import AsyncPager
from ._resource import Resource, fields
from .models import Account, AggregatedReport, DailyReport, Experience, Project
from .requests import (
    AggregatedReportRequest,
    DailyReportRequest,
    ExperienceExpand,
    ExperienceInclude,
    ExperienceStatus,
    ExperienceType,
    ListExperiencesRequest,
    ListProjectsRequest,
    ProjectExpand,
    ProjectInclude,
)

__all__ = ["Accounts", "Experiences", "Projects", "Reports"]


class Accounts(Resource):
    """Accounts the credentials can reach."""

    async def list(self) -> list[Account]:
        """Every account accessible to the API key.

        >>> accounts = await client.accounts.list()  # doctest: +SKIP
        """
        return await self._call("list_accounts", list[Account], path={})


class Projects(Resource):
    """Projects of an account."""

    def list(
        self,
        *,
        account_id: int,
        status: Sequence[str] | None = None,
        project_type: Sequence[str] | None = None,
        search: str | None = None,
        sort_by: str | None = None,
        sort_direction: str | None = None,
        only: Sequence[int] | None = None,
        except_: Sequence[int] | None = None,
        include: Sequence[ProjectInclude] | None = None,
        expand: Sequence[ProjectExpand] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Project]:
        """The account's projects: ``async for`` every one, or ``await`` the first page.

        >>> async for project in client.projects.list(account_id=1):  # doctest: +SKIP
        ...     print(project.id, project.name)
        """
        body = ListProjectsRequest(
            **fields(
                status=_listed(status),
                project_type=_listed(project_type),
                search=search,
                sort_by=sort_by,
                sort_direction=sort_direction,
                only=_listed(only),
                except_=_listed(except_),
                include=_listed(include),
                expand=_listed(expand),
            )
        )
        return self._list(
            "list_projects",
            Project,
            path={"account_id": account_id},
            body=body,
            page_size=page_size,
        )

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        include: Sequence[ProjectInclude] | None = None,
        expand: Sequence[ProjectExpand] | None = None,
    ) -> Project:
        """One project by id."""
        return await self._call(
            "get_project",
            Project,
            path={"account_id": account_id, "project_id": project_id},
            query={"include": include, "expand": expand},
        )


class Experiences(Resource):
    """Experiences (tests, deploys, rollouts) of a project."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        status: Sequence[ExperienceStatus] | None = None,
        type: Sequence[ExperienceType] | None = None,
        search: str | None = None,
        sort_by: str | None = None,
        sort_direction: str | None = None,
        goal_id: int | None = None,
        tags: Sequence[int] | None = None,
        audiences: Sequence[int] | None = None,
        goals: Sequence[int] | None = None,
        features: Sequence[int] | None = None,
        hypotheses: Sequence[int] | None = None,
        locations: Sequence[int] | None = None,
        environments: Sequence[str] | None = None,
        only: Sequence[int] | None = None,
        except_: Sequence[int] | None = None,
        include: Sequence[ExperienceInclude] | None = None,
        expand: Sequence[ExperienceExpand] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Experience]:
        """The project's experiences, filtered; ``async for`` walks every page.

        >>> pager = client.experiences.list(account_id=1, project_id=2, status=["active"])
        ... # doctest: +SKIP
        >>> total = await pager.count()  # doctest: +SKIP
        """
        body = ListExperiencesRequest(
            **fields(
                status=_listed(status),
                type=_listed(type),
                search=search,
                sort_by=sort_by,
                sort_direction=sort_direction,
                goal_id=goal_id,
                tags=_listed(tags),
                audiences=_listed(audiences),
                goals=_listed(goals),
                features=_listed(features),
                hypotheses=_listed(hypotheses),
                locations=_listed(locations),
                environments=_listed(environments),
                only=_listed(only),
                except_=_listed(except_),
                include=_listed(include),
                expand=_listed(expand),
            )
        )
        return self._list(
            "list_experiences",
            Experience,
            path={"account_id": account_id, "project_id": project_id},
            body=body,
            page_size=page_size,
        )

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        include: Sequence[ExperienceInclude] | None = None,
        expand: Sequence[ExperienceExpand] | None = None,
    ) -> Experience:
        """One experience by numeric id."""
        return await self._call(
            "get_experience",
            Experience,
            path={
                "account_id": account_id,
                "project_id": project_id,
                "experience_id": experience_id,
            },
            query={"include": include, "expand": expand},
        )

    async def get_by_key(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_key: str,
        include: Sequence[ExperienceInclude] | None = None,
        expand: Sequence[ExperienceExpand] | None = None,
    ) -> Experience:
        """One experience by its key (e.g. ``"homepage_headline_q3"``)."""
        return await self._call(
            "get_experience_by_key",
            Experience,
            path={
                "account_id": account_id,
                "project_id": project_id,
                "experience_key": experience_key,
            },
            query={"include": include, "expand": expand},
        )


class Reports(Resource):
    """Experience reports."""

    async def aggregated(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        goals: Sequence[int] | None = None,
        metrics: Sequence[str] | None = None,
        utc_offset: int | None = None,
        start_time: float | None = None,
        end_time: float | None = None,
        segments: dict[str, object] | None = None,
        stats_engine_processing: dict[str, object] | None = None,
        report_token: str | None = None,
    ) -> AggregatedReport:
        """The aggregated report: per goal, per variation visitors, conversions, lift.

        >>> report = await client.reports.aggregated(account_id=1, project_id=2, experience_id=3)
        ... # doctest: +SKIP
        """
        body = AggregatedReportRequest(
            **fields(
                goals=_listed(goals),
                metrics=_listed(metrics),
                utc_offset=utc_offset,
                start_time=start_time,
                end_time=end_time,
                segments=segments,
                stats_engine_processing=stats_engine_processing,
            )
        )
        return await self._call(
            "get_experience_aggregated_report",
            AggregatedReport,
            path={
                "account_id": account_id,
                "project_id": project_id,
                "experience_id": experience_id,
            },
            body=body,
            headers=fields(report_token=report_token),
        )

    async def daily(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        goal: int | None = None,
        report_type: str | None = None,
        metric: str | None = None,
        utc_offset: int | None = None,
        start_time: float | None = None,
        end_time: float | None = None,
        segments: dict[str, object] | None = None,
        stats_engine_processing: dict[str, object] | None = None,
        report_token: str | None = None,
    ) -> DailyReport:
        """The day-by-day report of one goal (cumulative or not)."""
        body = DailyReportRequest(
            **fields(
                goal=goal,
                report_type=report_type,
                metric=metric,
                utc_offset=utc_offset,
                start_time=start_time,
                end_time=end_time,
                segments=segments,
                stats_engine_processing=stats_engine_processing,
            )
        )
        return await self._call(
            "get_experience_daily_report",
            DailyReport,
            path={
                "account_id": account_id,
                "project_id": project_id,
                "experience_id": experience_id,
            },
            body=body,
            headers=fields(report_token=report_token),
        )


def _listed(values: Sequence[object] | None) -> list[object] | None:
    return None if values is None else list(values)
