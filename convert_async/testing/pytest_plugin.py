"""pytest plugin with the ``fake_convert`` fixture; opt in from your ``conftest.py``::

    pytest_plugins = ["convert_async.testing.pytest_plugin"]

(or ``pytest -p convert_async.testing.pytest_plugin``). It is not loaded into every pytest
session of a project that merely installs the SDK.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ._v2 import FakeConvert

__all__ = ["fake_convert"]


@pytest.fixture
async def fake_convert() -> AsyncIterator[FakeConvert]:
    """A started :class:`FakeConvert` with default credentials and seed 0.

    Async fixture for the anyio pytest plugin: use it from ``@pytest.mark.anyio`` tests.
    """
    async with FakeConvert() as fake:
        yield fake
