"""What every Convert API shares (REST v1, REST v2, tracking): its auth strategies and its
error body. Nothing in ``_core`` knows about Convert."""

from .auth import CookieAuth, HmacAuth, SecretKeyAuth
from .errors import parse_convert_error

__all__ = ["CookieAuth", "HmacAuth", "SecretKeyAuth", "parse_convert_error"]
