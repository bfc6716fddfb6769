"""AI content: 1 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import AiTextVariations
from ..requests import GenerateAiTextVariationsRequest

__all__ = ["Ai"]


class Ai(Resource):
    """AI content."""

    async def generate_text_variations(
        self,
        *,
        account_id: int,
        parameters: dict[str, Any],
        content: str,
        open_ai_key: str | UnsetType = UNSET,
        context_content: str | UnsetType = UNSET,
        previous_responses: Sequence[str] | UnsetType = UNSET,
        principle_class: Any | UnsetType = UNSET,
    ) -> AiTextVariations:
        """Generate text variations using AI."""
        return await self._call(
            "generate_ai_text_variations",
            AiTextVariations,
            locals(),
            body=GenerateAiTextVariationsRequest,
        )
