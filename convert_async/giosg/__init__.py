"""giosg Experiments API: client, auth, operation table, request and response models."""

from ._operations import OPERATIONS
from .auth import GiosgBearerAuth, GiosgReportingAuthError, GiosgTokenAuth
from .client import DEFAULT_BASE_URL, DEFAULT_REPORTING_BASE_URL, GiosgClient, parse_giosg_error
from .models import Experiment, ExperimentGroupInfo
from .requests import ExperimentGroup, GroupGoalRule

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REPORTING_BASE_URL",
    "OPERATIONS",
    "Experiment",
    "ExperimentGroup",
    "ExperimentGroupInfo",
    "GiosgBearerAuth",
    "GiosgClient",
    "GiosgReportingAuthError",
    "GiosgTokenAuth",
    "GroupGoalRule",
    "parse_giosg_error",
]
