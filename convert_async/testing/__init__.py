"""Test helpers: an in-process fake of the Convert REST API v2.

``FakeConvert`` serves every operation of the packaged catalog from seeded in-memory data, checks
HMAC / Bearer authentication, records requests and can inject faults. The ``fake_convert`` pytest
fixture (``convert_async.testing.pytest_plugin``) yields a started instance. ``fake.serving``
(:class:`FakeServing`) serves the Convert config + tracking API at ``fake.serving_url`` and
records every tracking batch.
"""

from ._faults import Faults
from ._giosg import FakeGiosg
from ._loopback import RecordedRequest
from ._pirsch import FakePirsch
from ._server import FakeConvert
from ._serving import FakeServing, SdkKey
from ._store import FakeStore
from ._v1 import FakeConvertV1

__all__ = ["FakeConvert", "FakeServing", "FakeStore", "Faults", "RecordedRequest", "SdkKey"]
__all__ += ["FakeConvertV1", "FakeGiosg", "FakePirsch"]
