"""Collaborators: 6 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import Collaborator, PartnerStatus, StatusReply
from ..requests import (
    AcceptCollaboratorInvitationRequest,
    CheckPartnerStatusRequest,
    InviteCollaboratorRequest,
    RemoveCollaboratorAccessRequest,
    UpdateCollaboratorAccessRequest,
)

__all__ = ["Collaborators"]


class Collaborators(Resource):
    """Collaborators."""

    async def list(
        self, *, account_id: int, expand: Sequence[Literal["accesses.project"]] | UnsetType = UNSET
    ) -> builtins.list[Collaborator]:
        """List users and their access permissions for an account."""
        return await self._call("list_collaborators", list[Collaborator], locals())

    async def update(
        self,
        *,
        account_id: int,
        email: Any | UnsetType = UNSET,
        user_id: str | UnsetType | None = UNSET,
        first_name: str | UnsetType = UNSET,
        last_name: str | UnsetType = UNSET,
        accesses: Sequence[dict[str, Any]] | UnsetType = UNSET,
        custom_message: str | UnsetType = UNSET,
        expand: Sequence[Literal["accesses.project"]] | UnsetType = UNSET,
    ) -> Collaborator:
        """Update a user's access permissions for an account."""
        return await self._call(
            "update_collaborator_access",
            Collaborator,
            locals(),
            body=UpdateCollaboratorAccessRequest,
        )

    async def invite(
        self,
        *,
        account_id: int,
        accesses: Sequence[dict[str, Any]],
        email: str,
        first_name: str | UnsetType = UNSET,
        last_name: str | UnsetType = UNSET,
        custom_message: str | UnsetType = UNSET,
        expand: Sequence[Literal["accesses.project"]] | UnsetType = UNSET,
    ) -> Collaborator:
        """Invite a new collaborator to an account."""
        return await self._call(
            "invite_collaborator", Collaborator, locals(), body=InviteCollaboratorRequest
        )

    async def remove(
        self,
        *,
        account_id: int,
        user_id: str | UnsetType | None = UNSET,
        accesses: Sequence[dict[str, Any]] | UnsetType = UNSET,
    ) -> StatusReply:
        """Remove a collaborator's access from an account."""
        return await self._call(
            "remove_collaborator_access",
            StatusReply,
            locals(),
            body=RemoveCollaboratorAccessRequest,
        )

    async def check_partner_status(self, *, email: str | UnsetType = UNSET) -> PartnerStatus:
        """Check partner status for extended API access."""
        return await self._call(
            "check_partner_status", PartnerStatus, locals(), body=CheckPartnerStatusRequest
        )

    async def accept_invitation(self, *, hash: str | UnsetType = UNSET) -> StatusReply:
        """Accept a collaborator invitation."""
        return await self._call(
            "accept_collaborator_invitation",
            StatusReply,
            locals(),
            body=AcceptCollaboratorInvitationRequest,
        )
