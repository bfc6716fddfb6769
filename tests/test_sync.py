"""The blocking clients, against FakeConvert running on a loop of its own (as a real server)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from convert_async import ClientStateError, HmacAuth, NotFoundError
from convert_async.sync import ConvertClient, SyncPager, TrackingClient
from convert_async.testing import FakeConvert
from convert_async.v2 import models

ACCOUNT, PROJECT = 1001, 10001
AUTH = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)


@pytest.fixture
def fake() -> Iterator[FakeConvert]:
    """FakeConvert served from a thread of its own, so the test itself can block."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    stop = asyncio.Event()
    holder: list[FakeConvert] = []

    async def serve() -> None:
        async with FakeConvert() as server:
            holder.append(server)
            started.set()
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert started.wait(30)
    yield holder[0]
    loop.call_soon_threadsafe(stop.set)
    thread.join(30)
    loop.close()


def client_for(fake: FakeConvert) -> ConvertClient:
    return ConvertClient(AUTH, base_url=fake.url, page_concurrency=4)


def test_lists_are_plain_iterators_with_pages_and_counts(fake: FakeConvert) -> None:
    stored = fake.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    with client_for(fake) as client:
        pager = client.experiences.list(account_id=ACCOUNT, project_id=PROJECT, page_size=5)
        assert isinstance(pager, SyncPager)
        listed = list(pager)
        assert all(isinstance(e, models.Experience) for e in listed)
        assert sorted(e.id for e in listed if e.id) == sorted(stored)
        assert pager.count() == len(stored)
        first = pager.first_page()
        assert len(first.items) == 5
        assert sum(len(page.items) for page in pager.pages()) == len(stored)


def test_leaving_a_list_early_stops_the_fetching(fake: FakeConvert) -> None:
    with client_for(fake) as client:
        fake.requests.clear()
        pager = client.experiences.list(account_id=ACCOUNT, project_id=PROJECT, page_size=1)
        for n, _ in enumerate(pager):
            if n == 2:
                break
        sent = len(fake.requests_for("getExperiencesList"))
    total = len(fake.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT))
    assert 3 <= sent < total


def test_calls_return_the_async_clients_types(fake: FakeConvert) -> None:
    with client_for(fake) as client:
        tag = client.tags.create(account_id=ACCOUNT, project_id=PROJECT, name="from a script")
        assert isinstance(tag, models.Tag)
        assert tag.id is not None
        fetched = client.tags.get(account_id=ACCOUNT, project_id=PROJECT, tag_id=tag.id)
        assert (fetched.id, fetched.name) == (tag.id, "from a script")
        raw = client.request("GET", f"/accounts/{ACCOUNT}/projects/{PROJECT}/tags/{tag.id}")
        assert raw["name"] == "from a script"
        with pytest.raises(NotFoundError):
            client.tags.get(account_id=ACCOUNT, project_id=PROJECT, tag_id=999_999)


def test_report_export_downloads_to_a_file(fake: FakeConvert, tmp_path: Path) -> None:
    experience = next(
        e["id"]
        for e in fake.store.items("experiences", account_id=ACCOUNT, project_id=PROJECT)
        if e.get("goals") and e.get("status") == "active"
    )
    with client_for(fake) as client:
        export = client.reports.export(
            account_id=ACCOUNT,
            project_id=PROJECT,
            experience_id=experience,
            report_type="csv_aggregated",
        )
        saved = client.reports.download(export, to=tmp_path / "report.csv")
    assert saved.read_text().splitlines()[0].count(",") > 2


def test_many_threads_share_one_client(fake: FakeConvert) -> None:
    with client_for(fake) as client, ThreadPoolExecutor(8) as pool:

        def create(n: int) -> str:
            name = client.tags.create(
                account_id=ACCOUNT, project_id=PROJECT, name=f"thread {n}"
            ).name
            assert name is not None
            return name

        names = list(pool.map(create, range(16)))
    assert sorted(names) == sorted(f"thread {n}" for n in range(16))


def test_a_closed_client_stops_its_thread_and_refuses_calls(fake: FakeConvert) -> None:
    client = client_for(fake).open()
    thread = client._portal._thread
    assert thread.is_alive()
    client.close()
    assert not thread.is_alive()
    with pytest.raises(ClientStateError, match="closed"):
        client.tags.get(account_id=ACCOUNT, project_id=PROJECT, tag_id=1)
    client.close()  # a second close is no error (it raised ClientStateError), as aclose()


def tracker_for(fake: FakeConvert, **options: Any) -> TrackingClient:
    key = fake.serving.sdk_key(ACCOUNT, PROJECT)
    return TrackingClient(
        key.sdk_key,
        key.secret,
        account_id=ACCOUNT,
        project_id=PROJECT,
        config_base_url=fake.serving_url,
        track_base_url=fake.serving_url,
        **options,
    )


def test_tracking_from_worker_threads_is_delivered(fake: FakeConvert) -> None:
    with tracker_for(fake) as tracker:
        config = tracker.fetch_config()
        assert config is not None

        def track(worker: int) -> None:
            for n in range(50):
                goal = 100 + n % 3
                assert tracker.track_conversion(f"visitor-{worker}-{n}", goal_id=goal)

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(track, range(4)))
        assert tracker.flush(timeout=30)
        assert tracker.stats.sent == 200
    assert len(fake.serving.events) == 200


def test_leaving_with_is_bounded_by_close_timeout(fake: FakeConvert) -> None:
    # It closed with no timeout: against a server that never answers, until the retries of
    # every request gave up (minutes with the default request timeout). Here a reply takes
    # 3 s: the old close waited for it.
    fake.faults.latency = 3
    with tracker_for(fake, close_timeout=0.5) as tracker:
        for n in range(10):
            assert tracker.track_conversion(f"visitor-{n}", goal_id=100)
        left = time.monotonic()
    assert time.monotonic() - left < 2.5
    stats = tracker.stats
    assert stats.sent == 0
    assert stats.failed == 10  # counted, not lost silently


def test_a_tracking_client_closed_twice_is_no_error(fake: FakeConvert) -> None:
    tracker = tracker_for(fake).open()
    tracker.close()
    tracker.close()


def test_a_list_left_unfinished_past_close_is_collected_quietly(
    fake: FakeConvert, monkeypatch: pytest.MonkeyPatch
) -> None:
    unraisable: list[Any] = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    with client_for(fake) as client:
        items = iter(client.experiences.list(account_id=ACCOUNT, project_id=PROJECT, page_size=1))
        next(items)
    del items  # collected after the client closed: its pages cannot be closed on the loop
    assert unraisable == []


def test_a_client_closed_inside_a_running_event_loop_closes_cleanly(fake: FakeConvert) -> None:
    # As in a notebook cell: closing ran the loop's shutdown on the caller's thread, which
    # failed ("another loop is running"), leaked the loop and hung the next close.
    async def cell() -> None:
        with client_for(fake) as client:
            assert client.projects.get(account_id=ACCOUNT, project_id=PROJECT).id == PROJECT
            client.experiences.list(account_id=ACCOUNT, project_id=PROJECT, page_size=2).pages()
        client.close()  # again: nothing happens

    before = set(threading.enumerate())
    asyncio.run(cell())
    assert set(threading.enumerate()) <= before


def test_a_call_running_when_another_thread_closes_the_client_fails_at_once(
    fake: FakeConvert,
) -> None:
    # It waited forever: the loop stopped with the call's future still pending.
    fake.faults.latency = 5.0
    client = client_for(fake).open()
    with ThreadPoolExecutor(1) as pool:
        call = pool.submit(client.projects.get, account_id=ACCOUNT, project_id=PROJECT)
        time.sleep(0.3)
        client.close()
        with pytest.raises(ClientStateError, match="closed while this call was running"):
            call.result(timeout=3)


FORKED_CHILD = """
import os, sys
from convert_async import ClientStateError, HmacAuth
from convert_async.sync import ConvertClient
client = ConvertClient(HmacAuth("a", "secret-value"), base_url=sys.argv[1]).open()
pid = os.fork()
if pid == 0:
    try:
        client.projects.get(account_id=1, project_id=2)
    except ClientStateError as error:
        print("child:", error)
    client.close()  # quiet: the parent's pool is not the child's to close
    os._exit(0)
os.waitpid(pid, 0)
client.close()
print("parent closed")
"""


def test_a_blocking_client_used_in_a_forked_child_says_so_instead_of_hanging(
    fake: FakeConvert,
) -> None:
    # The child's call waited forever for a loop thread that only exists in the parent.
    done = subprocess.run(  # noqa: S603 - this interpreter, the script above
        # (-W ignore: Python 3.12 warns about fork in a process with threads, as here.)
        [
            sys.executable,
            "-W",
            "error",
            "-W",
            "ignore::DeprecationWarning",
            "-c",
            FORKED_CHILD,
            fake.url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "child: this blocking client was opened in the parent of a fork" in done.stdout
    assert "parent closed" in done.stdout
    assert done.stderr == ""
