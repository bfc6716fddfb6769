"""Convert REST API v1 (deprecated): client, operation table, request and response models.

Prefer :class:`convert_async.ConvertClient` (v2); :data:`V2_EQUIVALENTS` maps each v1
operation to the v2 operation that replaces it.
"""

from ._operations import OPERATIONS, V2_EQUIVALENTS
from .client import DEFAULT_BASE_URL, ConvertV1Client

__all__ = ["DEFAULT_BASE_URL", "OPERATIONS", "V2_EQUIVALENTS", "ConvertV1Client"]
