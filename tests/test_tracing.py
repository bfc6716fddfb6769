"""Optional OpenTelemetry spans: one client span per attempt, with the HTTP conventions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from convert_async import ConvertClient, HmacAuth, NotFoundError
from convert_async.testing import FakeConvert

pytestmark = pytest.mark.anyio
ACCOUNT, PROJECT = 1001, 10001
_EXPORTER = InMemorySpanExporter()
_PROVIDER = TracerProvider()
_PROVIDER.add_span_processor(SimpleSpanProcessor(_EXPORTER))
trace.set_tracer_provider(_PROVIDER)  # once per process: OpenTelemetry refuses a second one


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()


def _client(fake: FakeConvert) -> ConvertClient:
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    return ConvertClient(auth, base_url=fake.url)


async def test_each_request_is_a_client_span_when_enabled(
    fake_convert: FakeConvert, spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONVERT_ASYNC_OTEL", "1")
    async with _client(fake_convert) as client:
        await client.tags.list(account_id=ACCOUNT, project_id=PROJECT)
        with pytest.raises(NotFoundError):
            await client.tags.get(account_id=ACCOUNT, project_id=PROJECT, tag_id=999_999)
    ok, missing = spans.get_finished_spans()
    assert ok.kind is trace.SpanKind.CLIENT
    assert ok.name == "POST"
    assert ok.attributes is not None
    assert ok.attributes["http.request.method"] == "POST"
    assert ok.attributes["http.response.status_code"] == 200
    assert ok.attributes["server.address"] == "127.0.0.1"
    assert str(ok.attributes["url.full"]).endswith(f"/projects/{PROJECT}/tags")
    assert missing.attributes is not None
    assert missing.attributes["http.response.status_code"] == 404
    assert missing.attributes["error.type"] == "404"
    assert missing.status.status_code is trace.StatusCode.ERROR


async def test_no_span_by_default(
    fake_convert: FakeConvert, spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CONVERT_ASYNC_OTEL", raising=False)
    async with _client(fake_convert) as client:
        await client.tags.list(account_id=ACCOUNT, project_id=PROJECT)
    assert spans.get_finished_spans() == ()
