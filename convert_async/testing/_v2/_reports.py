"""Experience reports computed from the store's per-day visitor and conversion data.

The aggregated report follows ``ExperienceAggregatedReport`` (a ``oneOf`` on
``stats_methodology``): a frequentist report gives each metric a confidence from a two-sided
z-test against the baseline, a Bayesian one a chance to win from the normal approximation of
the posteriors. The daily report, the traffic allocation and the CSV export read the same days.
"""

from __future__ import annotations

import csv
import io
import math
import secrets
import time
from typing import TYPE_CHECKING, Any

from .._store import Obj
from ._call import ApiError, Call

if TYPE_CHECKING:
    from . import FakeConvert

__all__ = [
    "aggregated_report",
    "daily_report",
    "export_report",
    "remove_report_data",
    "report_settings",
    "reset_report",
    "traffic_allocation",
]

#: Metrics with statistics, and the two the spec reports as plain numbers.
_STAT_METRICS = ("conversion_rate", "avg_revenue_visitor", "avg_products_ordered_visitor")
_PLAIN_METRICS = ("average_order_value", "average_products_per_order")
_DAILY_METRICS = {
    "conversion_rate": "conversion_rate",
    "avg_revenue_per_visitor": "avg_revenue_visitor",
    "avg_products_ordered_per_visitor": "avg_products_ordered_visitor",
    "average_order_value": "average_order_value",
    "average_products_per_order": "average_products_per_order",
}
_SIGNIFICANCE = 95.0


def _variations(experience: Obj) -> list[Obj]:
    return [v for v in experience.get("variations") or [] if isinstance(v, dict)]


def variations_data(experience: Obj) -> list[Obj]:
    """``ExperienceReportVariationsData``: the variations a report covers."""
    keys = ("id", "name", "description", "is_baseline", "traffic_distribution", "key")
    return [
        {**{k: v[k] for k in keys if k in v}, "status": "running"} for v in _variations(experience)
    ]


def _in_range(day: Obj, body: Obj) -> bool:
    start, end = body.get("start_time"), body.get("end_time")
    return (start is None or day["timestamp"] >= start) and (end is None or day["timestamp"] <= end)


def _goals(experience: Obj, body: Obj) -> list[int]:
    given = body.get("goals")
    return [int(g) for g in (given if isinstance(given, list) else experience.get("goals") or [])]


def methodology(experience: Obj, body: Obj) -> str:
    """``frequentist`` or ``bayesian``: the request's stats engine, else the experience's."""
    for settings in (body, experience.get("settings") or {}):
        engine = settings.get("stats_engine_processing") if isinstance(settings, dict) else None
        if isinstance(engine, dict) and engine.get("stats_type") in ("frequentist", "bayesian"):
            return str(engine["stats_type"])
    return "frequentist"


def _totals(fake: FakeConvert, experience: Obj, goal_id: int, body: Obj) -> dict[int, Obj]:
    """Per variation: visitors, conversions, revenue and products over the requested days."""
    fake.store.report_goal(experience, goal_id)
    totals: dict[int, Obj] = {}
    for variation_id, days in fake.store.traffic(experience).items():
        chosen = [d for d in days if _in_range(d, body)]
        totals[variation_id] = {
            "visitors": sum(d["visitors"] for d in chosen),
            **{
                name: sum(d["goals"][goal_id][name] for d in chosen)
                for name in ("conversions", "revenue", "products")
            },
        }
    return totals


def _metric_values(total: Obj) -> dict[str, float]:
    visitors, conversions = total["visitors"], total["conversions"]
    return {
        "conversion_rate": conversions / visitors if visitors else 0.0,
        "avg_revenue_visitor": total["revenue"] / visitors if visitors else 0.0,
        "avg_products_ordered_visitor": total["products"] / visitors if visitors else 0.0,
        "average_order_value": total["revenue"] / conversions if conversions else 0.0,
        "average_products_per_order": total["products"] / conversions if conversions else 0.0,
    }


def _normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def _metric(kind: str, metric: str, total: Obj, base: Obj | None) -> Obj:
    """One entry of a variation's ``metrics`` (its shape depends on methodology and metric)."""
    values, base_values = _metric_values(total), _metric_values(base or total)
    value, base_value = values[metric], base_values[metric]
    change = round((value - base_value) / base_value * 100, 2) if base_value else 0.0
    totals = {"conversion_rate": "conversions", "avg_revenue_visitor": "revenue"}
    entry: Obj = {
        "metric_type": metric,
        "metric_total": round(total[totals.get(metric, "products")]),
        "metric_value": round(value * (100 if metric == "conversion_rate" else 1), 4),
        "metric_change": change,
    }
    if metric in _PLAIN_METRICS:
        return entry
    n, n_base = total["visitors"], (base or total)["visitors"]
    # Proportions for the rate; per-visitor means use a Poisson-like variance.
    var = value * (1 - value) if metric == "conversion_rate" else max(value, 1e-9)
    var_base = (
        base_value * (1 - base_value) if metric == "conversion_rate" else max(base_value, 1e-9)
    )
    spread = math.sqrt(var / n + var_base / n_base) if n and n_base else 0.0
    z = (value - base_value) / spread if spread > 0 else 0.0
    scale = 100 if metric == "conversion_rate" else 1
    interval = round(1.96 * math.sqrt(var / n) * scale, 4) if n else 0.0
    done = base is None or (n > 1000 and n_base > 1000)
    entry.update(metric_interval=interval, done=done, srm=False, srm_pvalue=None)
    if kind == "bayesian":
        entry.update(
            chance_to_win=round(_normal_cdf(z) * 100, 2) if base is not None else None,
            expected=round(change, 2),
            risk=[round(max(base_value - value, 0.0), 6)],
            estimated_progress=min(100.0, round(n / 100, 2)),
        )
        if base is None:
            entry["chance_to_win"] = 50.0
        return entry
    confidence = round((1 - 2 * (1 - _normal_cdf(abs(z)))) * 100, 2) if base is not None else 0.0
    entry.update(
        confidence=confidence,
        statistically_significant=confidence >= _SIGNIFICANCE,
        normality_conditions_met=n * min(value, 1 - value) >= 5 if n else False,
        estimated_progress=min(100.0, round(n / 100, 2)),
        remaining_samples=max(0, 10_000 - n),
        observed_power=None,
        powerful=None,
    )
    return entry


def aggregated_report(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceAggregatedReport``: per goal, per variation, visitors, conversions and
    each requested metric compared with the baseline."""
    experience, body = call.obj("experience_id"), call.fields()
    kind = methodology(experience, body)
    metrics = body.get("metrics") or list(_STAT_METRICS + _PLAIN_METRICS)
    baseline = next((int(v["id"]) for v in _variations(experience) if v.get("is_baseline")), None)
    report_data = []
    for goal_id in _goals(experience, body):
        totals = _totals(fake, experience, goal_id, body)
        base = totals.get(baseline) if baseline is not None else None
        rows = []
        for variation_id, total in totals.items():
            reference = None if variation_id == baseline else base
            values = _metric_values(total)
            rows.append(
                {
                    "id": variation_id,
                    "visitors": total["visitors"],
                    "conversion_data": {
                        "conversions": total["conversions"],
                        "conversion_rate": round(values["conversion_rate"] * 100, 4),
                    },
                    "metrics": [_metric(kind, m, total, reference) for m in metrics],
                }
            )
        report_data.append(
            {"goal_id": goal_id, "srm": False, "srm_pvalue": None, "variations": rows}
        )
    return {
        "data": {
            "stats_methodology": kind,
            "variations_data": variations_data(experience),
            "reportData": report_data,
        }
    }


def daily_report(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceDailyReport``: one data point per day and variation of one metric of one
    goal, cumulative or not, plus the daily visitor totals."""
    experience, body = call.obj("experience_id"), call.fields()
    goals = _goals(experience, {})
    goal_id = int(body.get("goal") or experience.get("primary_goal") or (goals[0] if goals else 0))
    if not goal_id:
        raise ApiError(422, ["$.goal: is required for an experience without goals"], ["$.goal"])
    fake.store.report_goal(experience, goal_id)
    metric = _DAILY_METRICS[str(body.get("metric") or "conversion_rate")]
    cumulative = body.get("report_type", "cumulative") == "cumulative"
    series = []
    visitors_by_day: dict[int, int] = {}
    for variation_id, days in fake.store.traffic(experience).items():
        running = {"visitors": 0, "conversions": 0, "revenue": 0.0, "products": 0}
        points = []
        for day in (d for d in days if _in_range(d, body)):
            today = {"visitors": day["visitors"], **day["goals"][goal_id]}
            running = {k: running[k] + today[k] for k in running} if cumulative else today
            value = _metric_values(running)[metric]
            points.append(
                {
                    "timestamp": day["timestamp"],
                    "value": round(value * (100 if metric == "conversion_rate" else 1), 4),
                    "totals": running["conversions"],
                    "visitors": running["visitors"],
                }
            )
            visitors_by_day[day["timestamp"]] = (
                visitors_by_day.get(day["timestamp"], 0) + day["visitors"]
            )
        series.append({"id": variation_id, "stats": points})
    extra = [
        {
            "type": "total_visitors",
            "stats": [
                {"timestamp": t, "value": float(v)} for t, v in sorted(visitors_by_day.items())
            ],
        }
    ]
    return {
        "data": {
            "variations_data": variations_data(experience),
            "reportData": {"variations": series, "extra": extra},
        }
    }


def traffic_allocation(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceDailyTrafficAllocation``: each variation's share of each day's visitors."""
    experience, body = call.obj("experience_id"), call.fields()
    traffic = fake.store.traffic(experience)
    totals: dict[int, int] = {}
    for days in traffic.values():
        for day in days:
            totals[day["timestamp"]] = totals.get(day["timestamp"], 0) + day["visitors"]
    series = [
        {
            "id": variation_id,
            "stats": [
                {
                    "timestamp": d["timestamp"],
                    "value": round(d["visitors"] / totals[d["timestamp"]] * 100, 2),
                }
                for d in days
                if _in_range(d, body)
            ],
        }
        for variation_id, days in traffic.items()
    ]
    return {
        "data": {
            "variations_data": variations_data(experience),
            "reportData": {"variations": series},
        }
    }


def report_settings(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceReportSettings``: the segments a report can be filtered by."""
    scope = dict(call.scope)
    segments = [
        {"id": a["id"], "name": a.get("name", "")}
        for a in fake.store.items("audiences", **scope)
        if a.get("type") == "segmentation"
    ]
    campaigns = [{"name": "spring_sale"}, {"name": "newsletter"}]
    return {"data": {"campaigns": campaigns, "custom_segments": segments}}


def reset_report(fake: FakeConvert, call: Call) -> Any:
    """``resetExperienceReport``: every stored day of the experience starts over at zero."""
    for days in fake.store.traffic(call.obj("experience_id")).values():
        for day in days:
            day["visitors"] = 0
            for counts in day["goals"].values():
                counts.update(conversions=0, revenue=0.0, products=0)
    return {"code": 200, "message": "Report data reset"}


def remove_report_data(fake: FakeConvert, call: Call) -> Any:
    """``removeExperienceReportData``: drop the events of the given period (``simulate`` only
    counts them) and answer how many of each kind there were."""
    experience, body = call.obj("experience_id"), call.fields()
    views = conversions = transactions = 0
    for days in fake.store.traffic(experience).values():
        for day in (d for d in days if _in_range(d, body)):
            views += day["visitors"]
            conversions += sum(g["conversions"] for g in day["goals"].values())
            transactions += sum(1 for g in day["goals"].values() if g["revenue"])
            if not body.get("simulate"):
                day["visitors"] = 0
                for counts in day["goals"].values():
                    counts.update(conversions=0, revenue=0.0, products=0)
    counts = {"view_experience": views, "conversion": conversions, "transaction": transactions}
    return {"data": [{"event": event, "count": count} for event, count in counts.items()]}


_EXPORT_COLUMNS = (
    "goal_id",
    "variation_id",
    "visitors",
    "conversions",
    "conversion_rate",
    "metric_change",
    "confidence_or_chance_to_win",
)


def export_report(fake: FakeConvert, call: Call) -> Any:
    """``exportExperienceReport``: write the CSV and answer a link to it, served without
    credentials like the pre-signed link Convert hands out."""
    body = call.fields()
    report_type = str(body.get("report_type") or "csv_aggregated")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if report_type.startswith("csv_daily"):
        writer.writerow(["timestamp", "goal_id", "variation_id", "visitors", "value"])
        experience = call.obj("experience_id")
        # The export's data_type is the daily report's report_type (the spec's default for an
        # export: non_cumulative); the export's own report_type only names the file kind.
        data_type = body.get("data_type") or "non_cumulative"
        for goal_id in _goals(experience, body):
            daily_body = {**body, "goal": goal_id, "report_type": data_type}
            daily_call = Call(call.op, call.params, daily_body, call.query)
            daily_call.objects, daily_call.scope = call.objects, call.scope
            for series in daily_report(fake, daily_call)["data"]["reportData"]["variations"]:
                for point in series["stats"]:
                    row = [point["timestamp"], goal_id, series["id"], point["visitors"]]
                    writer.writerow([*row, point["value"]])
    else:
        writer.writerow(_EXPORT_COLUMNS)
        for goal in aggregated_report(fake, call)["data"]["reportData"]:
            for row in goal["variations"]:
                rate = next(m for m in row["metrics"] if m["metric_type"] == "conversion_rate")
                score = rate.get("confidence", rate.get("chance_to_win"))
                data = row["conversion_data"]
                counts = [row["visitors"], data["conversions"], data["conversion_rate"]]
                writer.writerow([goal["goal_id"], row["id"], *counts, rate["metric_change"], score])
    token = secrets.token_urlsafe(12)
    name = f"experience-{call.params['experience_id']}-{report_type}.csv"
    fake.downloads[token] = (name, "text/csv", buffer.getvalue().encode())
    link = f"{fake.base_url}{fake.DOWNLOAD_PATH}{token}/{name}"
    return {"data": {"download_url": link, "expire_at": int(time.time()) + 3600}}
