"""API Keys: 3 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import ApiKey, StatusReply
from ..requests import CreateApiKeyAuthType, CreateApiKeyRequest

__all__ = ["ApiKeys"]


class ApiKeys(Resource):
    """API Keys."""

    async def list(self, *, account_id: int) -> builtins.list[ApiKey]:
        """List API keys for an account."""
        return await self._call("list_api_keys", list[ApiKey], locals())

    async def create(
        self,
        *,
        account_id: int,
        name: str,
        auth_type: CreateApiKeyAuthType | UnsetType = UNSET,
        projects: Sequence[float] | UnsetType | None = UNSET,
    ) -> ApiKey:
        """Create a new API key for an account."""
        return await self._call("create_api_key", ApiKey, locals(), body=CreateApiKeyRequest)

    async def delete(self, *, account_id: int, key_id: str) -> StatusReply:
        """Delete an API key."""
        return await self._call("delete_api_key", StatusReply, locals())
