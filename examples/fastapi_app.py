"""A FastAPI service that sends one Convert conversion per request through a TrackingClient.

The tracker lives as long as the app: the lifespan opens it (connection pool, background
sender, config refresh) and, at shutdown, drains the queued events before the process exits.
Handlers only queue events (``track_conversion`` never waits on the network), so tracking adds
microseconds to a request, not a round trip.

Run it (settings come from the environment)::

    CONVERT_SDK_KEY=... CONVERT_SDK_KEY_SECRET=... CONVERT_ACCOUNT_ID=... \\
    CONVERT_PROJECT_ID=... uvicorn fastapi_app:app --app-dir examples

    curl -X POST 'http://127.0.0.1:8000/purchase/visitor-1?amount=49.99'

``CONVERT_CONFIG_BASE_URL`` / ``CONVERT_TRACK_BASE_URL`` point the tracker elsewhere (tests
point them at ``FakeConvert().serving_url``), ``CONVERT_GOAL_ID`` names the goal to convert and
``CONVERT_SPOOL_PATH`` keeps events that could not be delivered at shutdown for the next run.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from convert_async import TrackingClient
from convert_async.serving import DEFAULT_CONFIG_BASE_URL, DEFAULT_TRACK_BASE_URL


def tracker_from_env() -> TrackingClient:
    """A TrackingClient configured from ``CONVERT_*`` environment variables."""
    env = os.environ
    return TrackingClient(
        env.get("CONVERT_SDK_KEY") or None,
        env.get("CONVERT_SDK_KEY_SECRET") or None,
        account_id=env["CONVERT_ACCOUNT_ID"],
        project_id=env["CONVERT_PROJECT_ID"],
        config_base_url=env.get("CONVERT_CONFIG_BASE_URL") or DEFAULT_CONFIG_BASE_URL,
        track_base_url=env.get("CONVERT_TRACK_BASE_URL") or DEFAULT_TRACK_BASE_URL,
        spool_path=env.get("CONVERT_SPOOL_PATH") or None,
        # Keep the config fresh in the background; a failed refresh keeps the last good one.
        config_refresh_interval=300.0,
    )


def create_app(make_tracker: Callable[[], TrackingClient] = tracker_from_env) -> FastAPI:
    """The app; ``make_tracker`` is called once, at startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with make_tracker() as tracker:  # exit drains the queue
            app.state.tracker = tracker
            yield

    app = FastAPI(lifespan=lifespan)
    goal_id = os.environ.get("CONVERT_GOAL_ID", "1")

    @app.post("/purchase/{visitor_id}")
    async def purchase(visitor_id: str, request: Request, amount: float = 0.0) -> dict[str, bool]:
        tracker: TrackingClient = request.app.state.tracker
        accepted = tracker.track_conversion(visitor_id, goal_id, revenue=amount)
        return {"tracked": accepted}

    @app.get("/health")
    async def health(request: Request) -> dict[str, int]:
        stats = request.app.state.tracker.stats
        return {"queued": stats.queue_depth, "sent": stats.sent, "failed": stats.failed}

    return app


app = create_app()
