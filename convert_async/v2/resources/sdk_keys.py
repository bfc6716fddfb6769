"""SDK Keys: 4 operations."""

from __future__ import annotations

import builtins
from typing import Literal

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import SdkKey, StatusReply
from ..requests import CreateSdkKeyRequest, UpdateSdkKeyRequest

__all__ = ["SdkKeys"]


class SdkKeys(Resource):
    """SDK Keys."""

    async def list(self, *, account_id: int, project_id: int) -> builtins.list[SdkKey]:
        """List SDK keys for a project."""
        return await self._call("list_sdk_keys", list[SdkKey], locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        environment: str,
        status: Literal["enabled", "disabled"] | UnsetType = UNSET,
        has_secret: bool | UnsetType = UNSET,
    ) -> SdkKey:
        """Create a new SDK key for a project."""
        return await self._call("create_sdk_key", SdkKey, locals(), body=CreateSdkKeyRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        sdk_key: str,
        name: str | UnsetType = UNSET,
        environment: str | UnsetType = UNSET,
        status: Literal["enabled", "disabled"] | UnsetType = UNSET,
    ) -> SdkKey:
        """Update SDK Key."""
        return await self._call("update_sdk_key", SdkKey, locals(), body=UpdateSdkKeyRequest)

    async def delete(self, *, account_id: int, project_id: int, sdk_key: str) -> StatusReply:
        """Delete an SDK key."""
        return await self._call("delete_sdk_key", StatusReply, locals())
