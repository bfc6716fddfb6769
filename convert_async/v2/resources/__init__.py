"""Convert REST v2 resources: one class per API group, thin typed methods."""

from .accounts import Accounts
from .ai import Ai
from .api_keys import ApiKeys
from .audiences import Audiences
from .changes import Changes
from .collaborators import Collaborators
from .cookie_auth import CookieAuth
from .domains import Domains
from .experiences import Experiences
from .features import Features
from .files import Files
from .goals import Goals
from .hypotheses import Hypotheses
from .images import Images
from .knowledge_bases import KnowledgeBases
from .locations import Locations
from .observations import Observations
from .projects import Projects
from .reports import Reports
from .sdk_keys import SdkKeys
from .sections import Sections
from .tags import Tags
from .user import CurrentUser
from .variations import Variations
from .versions import Versions
from .visitor_insights import VisitorInsights

__all__ = [
    "Accounts",
    "Ai",
    "ApiKeys",
    "Audiences",
    "Changes",
    "Collaborators",
    "CookieAuth",
    "CurrentUser",
    "Domains",
    "Experiences",
    "Features",
    "Files",
    "Goals",
    "Hypotheses",
    "Images",
    "KnowledgeBases",
    "Locations",
    "Observations",
    "Projects",
    "Reports",
    "SdkKeys",
    "Sections",
    "Tags",
    "Variations",
    "Versions",
    "VisitorInsights",
]
