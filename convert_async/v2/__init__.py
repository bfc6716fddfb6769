"""Convert REST API v2: client, operation table, request and response models."""

from ._operations import OPERATIONS
from .client import DEFAULT_BASE_URL, ConvertClient, auth_from_env

__all__ = ["DEFAULT_BASE_URL", "OPERATIONS", "ConvertClient", "auth_from_env"]
