"""Test helpers: an in-process fake of the Convert REST API v2.

``FakeConvert`` serves every operation of Convert's OpenAPI spec (packaged in ``data/``) from
seeded in-memory data: it checks HMAC / Bearer / cookie authentication and request bodies against
the spec's schemas, shapes replies by the response schemas, records requests and can inject
faults. :func:`problems` and :func:`sample` check and generate values of any spec schema. The
``fake_convert`` pytest fixture (``convert_async.testing.pytest_plugin``) yields a started
instance. ``fake.serving``
(:class:`FakeServing`) serves the Convert config + tracking API at ``fake.serving_url`` and
records every tracking batch.
"""

from ._faults import Faults
from ._giosg import FakeGiosg
from ._loopback import RecordedRequest
from ._pirsch import FakePirsch
from ._schema_check import problems, sample
from ._serving import FakeServing, SdkKey
from ._store import FakeStore
from ._v1 import FakeConvertV1
from ._v2 import FakeConvert

__all__ = ["FakeConvert", "FakeServing", "FakeStore", "Faults", "RecordedRequest", "SdkKey"]
__all__ += ["FakeConvertV1", "FakeGiosg", "FakePirsch", "problems", "sample"]
