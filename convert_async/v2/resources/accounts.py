"""Accounts: 11 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import (
    Account,
    BillingPlan,
    BillingSetupUser,
    ChangeHistoryEntry,
    Experience,
    LiveDataEntry,
    PaymentMethodSetup,
    StatusReply,
)
from ..requests import (
    AccountAddonsType,
    ChangeHistoryObjectType,
    CreateSubAccountRequest,
    ExperienceExpandField,
    ExperienceIncludeField,
    ExperienceType,
    GetAccountInclude,
    GetAccountLiveDataRequest,
    ListAccountChangeHistoryRequest,
    ListAccountChangeHistorySortBy,
    ListAccountExperiencesRequest,
    ListAccountExperiencesSortBy,
    LiveDataEventType,
    LiveDataExpandField,
    RequestAccountAddonsRequest,
    UpdateAccountRequest,
)

__all__ = ["Accounts"]


class Accounts(Resource):
    """Accounts."""

    async def list(self) -> builtins.list[Account]:
        """List accounts accessible to the user."""
        return await self._call("list_accounts", list[Account], locals())

    async def list_billing_plans(self) -> builtins.list[BillingPlan]:
        """List available billing plans."""
        return await self._call("list_billing_plans", list[BillingPlan], locals())

    async def get_live_data(
        self,
        *,
        account_id: int,
        event_types: Sequence[LiveDataEventType] | UnsetType | None = UNSET,
        projects: Sequence[int] | UnsetType | None = UNSET,
        segments: dict[str, Any] | UnsetType | None = UNSET,
        expand: Sequence[LiveDataExpandField] | UnsetType | None = UNSET,
    ) -> builtins.list[LiveDataEntry]:
        """Get live tracking events for an account."""
        return await self._call(
            "get_account_live_data", list[LiveDataEntry], locals(), body=GetAccountLiveDataRequest
        )

    def list_change_history(
        self,
        *,
        account_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        methods: Sequence[Literal["api", "app"]] | UnsetType | None = UNSET,
        projects: Sequence[int] | UnsetType | None = UNSET,
        objects: Sequence[ChangeHistoryObjectType] | UnsetType | None = UNSET,
        sort_by: ListAccountChangeHistorySortBy | UnsetType | None = UNSET,
        expand: Sequence[Literal["project"]] | UnsetType | None = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[ChangeHistoryEntry]:
        """Get change history for an account."""
        return self._list(
            "list_account_change_history",
            ChangeHistoryEntry,
            locals(),
            body=ListAccountChangeHistoryRequest,
        )

    def list_experiences(
        self,
        *,
        account_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        projects: Sequence[int] | UnsetType | None = UNSET,
        sort_by: ListAccountExperiencesSortBy | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        type: Sequence[ExperienceType] | UnsetType | None = UNSET,
        include: Sequence[ExperienceIncludeField] | UnsetType = UNSET,
        expand: Sequence[ExperienceExpandField] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Experience]:
        """List active and completed experiences for an account."""
        return self._list(
            "list_account_experiences", Experience, locals(), body=ListAccountExperiencesRequest
        )

    async def get(
        self, *, account_id: int, include: Sequence[GetAccountInclude] | UnsetType = UNSET
    ) -> Account:
        """Get details for a specific account."""
        return await self._call("get_account", Account, locals())

    async def update(
        self,
        *,
        account_id: int,
        account_type: Literal["main", "sub"] | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        settings: dict[str, Any] | UnsetType = UNSET,
        billing: dict[str, Any] | UnsetType = UNSET,
    ) -> Account:
        """Update details for a specific account."""
        return await self._call("update_account", Account, locals(), body=UpdateAccountRequest)

    async def create_sub_account(
        self,
        *,
        account_id: int,
        name: str,
        billing: dict[str, Any],
        user_name: str,
        user_email: str,
        account_type: Any | UnsetType = UNSET,
        settings: dict[str, Any] | UnsetType = UNSET,
        send_user_email: bool | UnsetType = UNSET,
        custom_email_text: str | UnsetType = UNSET,
    ) -> Account:
        """Create a new sub-account."""
        return await self._call(
            "create_sub_account", Account, locals(), body=CreateSubAccountRequest
        )

    async def request_addons(
        self,
        *,
        account_id: int,
        addon: AccountAddonsType,
        collaborator_email: str | UnsetType = UNSET,
        collaborator_name: str | UnsetType = UNSET,
    ) -> StatusReply:
        """Request add-ons for an account."""
        return await self._call(
            "request_account_addons", StatusReply, locals(), body=RequestAccountAddonsRequest
        )

    async def start_payment_method_setup(self, *, account_id: int) -> PaymentMethodSetup:
        """Initiate payment method setup."""
        return await self._call("start_payment_method_setup", PaymentMethodSetup, locals())

    async def list_billing_setup_notification_users(
        self, *, account_id: int
    ) -> builtins.list[BillingSetupUser]:
        """Get users for billing plan setup notification."""
        return await self._call(
            "list_billing_setup_notification_users", list[BillingSetupUser], locals()
        )
