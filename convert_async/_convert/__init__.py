"""What every Convert API shares (REST v1, REST v2, tracking): its auth strategies, its error
body and its reply envelopes. Nothing in ``_core`` knows about Convert."""

from .auth import CookieAuth, HmacAuth, SecretKeyAuth
from .envelopes import CONVERT_ENVELOPES, ConvertEnvelopes
from .errors import parse_convert_error

__all__ = [
    "CONVERT_ENVELOPES",
    "ConvertEnvelopes",
    "CookieAuth",
    "HmacAuth",
    "SecretKeyAuth",
    "parse_convert_error",
]
