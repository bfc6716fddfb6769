"""Pirsch analytics API: client, auth strategies, batched sender, models and helpers."""

from ._operations import ACCESS_KEY_OPERATIONS, OPERATIONS
from .auth import PirschAccessKey, PirschOAuth
from .client import DEFAULT_BASE_URL, PIRSCH_RATE_LIMITS, PirschClient, parse_pirsch_error
from .requests import (
    BatchEvent,
    BatchHit,
    BatchSession,
    Event,
    Hit,
    SessionKeepAlive,
    StatisticsFilter,
)
from .resources import PirschAccessModeError
from .sender import PirschSender, PirschSenderStats
from .tracking import do_not_track, event_from_headers, hit_from_headers

__all__ = [
    "ACCESS_KEY_OPERATIONS",
    "DEFAULT_BASE_URL",
    "OPERATIONS",
    "PIRSCH_RATE_LIMITS",
    "BatchEvent",
    "BatchHit",
    "BatchSession",
    "Event",
    "Hit",
    "PirschAccessKey",
    "PirschAccessModeError",
    "PirschClient",
    "PirschOAuth",
    "PirschSender",
    "PirschSenderStats",
    "SessionKeepAlive",
    "StatisticsFilter",
    "do_not_track",
    "event_from_headers",
    "hit_from_headers",
    "parse_pirsch_error",
]
