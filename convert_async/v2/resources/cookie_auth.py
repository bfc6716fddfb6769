"""Cookie Authentication: 5 operations."""

from __future__ import annotations

from typing import Any

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import CookieAuthReply, StatusReply
from ..requests import (
    CookieConfirmPasswordResetRequest,
    CookieLoginRequest,
    CookieLogoutRequest,
    CookieLogoutRequestType,
    CookieRequestPasswordResetRequest,
)

__all__ = ["CookieAuth"]


class CookieAuth(Resource):
    """Cookie Authentication."""

    async def login(
        self,
        *,
        request_type: str,
        username: str | UnsetType = UNSET,
        data: dict[str, Any] | UnsetType = UNSET,
    ) -> CookieAuthReply:
        """Authenticate user session (Cookie Based)."""
        return await self._call("cookie_login", CookieAuthReply, locals(), body=CookieLoginRequest)

    async def request_password_reset(self, *, username: str | UnsetType = UNSET) -> StatusReply:
        """Request password reset."""
        return await self._call(
            "cookie_request_password_reset",
            StatusReply,
            locals(),
            body=CookieRequestPasswordResetRequest,
        )

    async def confirm_password_reset(
        self,
        *,
        code: str,
        new_password: str,
        confirm_new_password: str,
        auth_sub: str | UnsetType = UNSET,
        token: str | UnsetType = UNSET,
    ) -> CookieAuthReply:
        """Confirm new password after reset request."""
        return await self._call(
            "cookie_confirm_password_reset",
            CookieAuthReply,
            locals(),
            body=CookieConfirmPasswordResetRequest,
        )

    async def logout(
        self, *, request_type: CookieLogoutRequestType | UnsetType = UNSET
    ) -> StatusReply:
        """Log out user session."""
        return await self._call("cookie_logout", StatusReply, locals(), body=CookieLogoutRequest)

    async def check_session(self) -> StatusReply:
        """Check authentication status."""
        return await self._call("cookie_check_session", StatusReply, locals())
