"""Test helpers: an in-process fake of the Convert REST API v2.

``FakeConvert`` serves every operation of the packaged catalog from seeded in-memory data, checks
HMAC / Bearer authentication, records requests and can inject faults. The ``fake_convert`` pytest
fixture (``convert_async.testing.pytest_plugin``) yields a started instance.
"""

from ._faults import Faults
from ._server import FakeConvert, RecordedRequest
from ._store import FakeStore

__all__ = ["FakeConvert", "FakeStore", "Faults", "RecordedRequest"]
