"""User: 7 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import AccessRole, MfaSecret, StatusReply, User
from ..requests import (
    ConfirmUserEmailChangeRequest,
    UpdateCurrentUserRequest,
    UpdateUserPreferencesRequest,
)

__all__ = ["CurrentUser"]


class CurrentUser(Resource):
    """User."""

    async def list_access_roles(self) -> builtins.list[AccessRole]:
        """List available user access roles."""
        return await self._call("list_access_roles", list[AccessRole], locals())

    async def get(self) -> User:
        """Get current authenticated user's details."""
        return await self._call("get_current_user", User, locals())

    async def update(
        self,
        *,
        first_name: str | UnsetType = UNSET,
        last_name: str | UnsetType = UNSET,
        current_password: str | UnsetType = UNSET,
        new_password: str | UnsetType = UNSET,
        confirm_password: str | UnsetType = UNSET,
        email: str | UnsetType = UNSET,
        mfa: Any | UnsetType = UNSET,
    ) -> User:
        """Update current user's profile."""
        return await self._call(
            "update_current_user", User, locals(), body=UpdateCurrentUserRequest
        )

    async def confirm_email_change(self, *, code: str) -> User:
        """Confirm user email address change."""
        return await self._call(
            "confirm_user_email_change", User, locals(), body=ConfirmUserEmailChangeRequest
        )

    async def update_preferences(
        self,
        *,
        editor_settings: dict[str, Any] | UnsetType = UNSET,
        display_settings: dict[str, Any] | UnsetType = UNSET,
        ui_settings: dict[str, Any] | UnsetType | None = UNSET,
        notifications_seen: Sequence[str] | UnsetType = UNSET,
        general_settings: dict[str, Any] | UnsetType = UNSET,
        mfa_enabled: bool | UnsetType = UNSET,
    ) -> User:
        """Update user's UI preferences."""
        return await self._call(
            "update_user_preferences", User, locals(), body=UpdateUserPreferencesRequest
        )

    async def generate_mfa_secret(self) -> MfaSecret:
        """Generate MFA secret for authenticator app."""
        return await self._call("generate_user_mfa_secret", MfaSecret, locals())

    async def accept_demo_project(self) -> StatusReply:
        """Accept and create a demo project for the user."""
        return await self._call("accept_demo_project", StatusReply, locals())
