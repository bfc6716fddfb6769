"""In-memory data of the fake Convert API, seeded deterministically.

Objects are plain ``dict``s shaped like the spec's schemas (the fake fits them to each reply's
schema on the way out). Top-level collections are scoped by ``account_id`` (and ``project_id``);
resources that live inside another object (variations inside an experience, for instance) are
plain lists on their parent and are not stored separately. Report numbers are stored per
experience and day (:meth:`FakeStore.traffic`), generated from the seed the first time a report
asks for them, so resetting or removing report data changes what later reports show.
"""

from __future__ import annotations

import base64
import copy
import itertools
import random
import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["BASE_TIMESTAMP", "FakeStore", "Obj"]

Obj = dict[str, Any]
_ScopeKey = tuple[tuple[str, int], ...]

#: Fixed "now" of the seeded data (2025-06-02T00:00:00Z) so every run produces the same objects.
BASE_TIMESTAMP = 1_748_822_400
_DAY = 86_400

# Distinct id ranges per collection make an id used against the wrong collection a 404.
_ID_BASES = {
    "accounts": 1001,
    "projects": 10_001,
    "experiences": 100_001,
    "variations": 1_000_001,
    "goals": 200_001,
    "locations": 300_001,
    "audiences": 400_001,
    "hypotheses": 500_001,
    "knowledge-bases": 550_001,
    "observations": 600_001,
    "tags": 700_001,
    "domains": 800_001,
    "features": 900_001,
    "change-history": 5_000_001,
    "changes": 6_000_001,
    "placeholders": 7_000_001,
    "sessions": 7_500_001,
}
_DEFAULT_ID_BASE = 9_000_001


def slugify(text: str, limit: int = 32) -> str:
    """Machine key from a display name (lower-case words joined by dashes)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-") or "item"


def _identifiers(obj: Obj) -> tuple[Any, ...]:
    return (
        str(obj.get("id")),
        obj.get("key"),
        obj.get("sdk_key"),
        obj.get("key_id"),
        obj.get("visitor_id"),
    )


def _scope_key(scope: Mapping[str, int]) -> _ScopeKey:
    return tuple(sorted(scope.items()))


class FakeStore:
    """In-memory collections of the fake, pre-populated from ``seed``.

    ``collection(name, **scope)`` returns the live ``{id: object}`` mapping of one scope, e.g.
    ``store.collection("experiences", account_id=1001, project_id=10001)``; mutating it changes
    what the fake serves.
    """

    #: The main seeded account ("Acme Digital", three projects).
    ACCOUNT_ID = 1001
    #: A second, smaller seeded account.
    SECOND_ACCOUNT_ID = 1002

    def __init__(self, seed: int = 0, *, populate: bool = True) -> None:
        self.seed = seed
        self._collections: dict[str, dict[_ScopeKey, dict[int, Obj]]] = {}
        self._counters: dict[str, Iterator[int]] = {}
        #: Uploaded contents (images, files, screenshots) by storage key.
        self.blobs: dict[str, bytes] = {}
        # Report data by experience id: per variation, per day (see traffic()).
        self._traffic: dict[int, dict[int, list[Obj]]] = {}
        if populate:
            _Seeder(self, random.Random(seed)).run()

    # -- generic access -------------------------------------------------------------------

    def next_id(self, name: str) -> int:
        """Allocate the next id of collection ``name`` (unique across all its scopes)."""
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = itertools.count(_ID_BASES.get(name, _DEFAULT_ID_BASE))
        return next(counter)

    def collection(self, name: str, **scope: int) -> dict[int, Obj]:
        """Live ``{id: object}`` mapping of ``name`` in exactly this scope (created if absent)."""
        return self._collections.setdefault(name, {}).setdefault(_scope_key(scope), {})

    def items(self, name: str, **scope: int) -> list[Obj]:
        """Objects of ``name`` in every scope that contains ``scope`` (all projects of an
        account when only ``account_id`` is given)."""
        wanted = set(scope.items())
        found: list[Obj] = []
        for key, objects in self._collections.get(name, {}).items():
            if wanted.issubset(key):
                found.extend(objects.values())
        return found

    def membership(self, name: str, **scope: int) -> tuple[tuple[Any, int, Any], ...]:
        """A fingerprint that changes whenever an object of ``name`` is added to or removed
        from a scope containing ``scope`` (ids only grow, so size + newest id suffices)."""
        wanted = set(scope.items())
        return tuple(
            (key, len(objects), next(reversed(objects), None))
            for key, objects in self._collections.get(name, {}).items()
            if wanted.issubset(key)
        )

    def get(self, name: str, ident: int | str, **scope: int) -> Obj | None:
        """One object by numeric id, or (for a non-numeric ``ident``) by its string id or one
        of its keys (``key``, ``sdk_key``, ``key_id``)."""
        objects = self.collection(name, **scope)
        if isinstance(ident, int) or ident.isdigit():
            return objects.get(int(ident))
        return next(
            (o for o in objects.values() if ident in _identifiers(o)),
            None,
        )

    def add(self, name: str, fields: Mapping[str, Any] | None = None, **scope: int) -> Obj:
        """Create an object with a fresh id: collection defaults overlaid with ``fields``."""
        obj = self.new_object(name, self.next_id(name), scope, fields or {})
        self.collection(name, **scope)[obj["id"]] = obj
        return obj

    def new_object(
        self, name: str, ident: int, scope: Mapping[str, int], fields: Mapping[str, Any]
    ) -> Obj:
        """Build (without storing) a ``name`` object; defaults depend on the collection."""
        obj: Obj = {"id": ident}
        if "project_id" in scope and name in _PROJECT_CHILDREN:
            obj["project"] = scope["project_id"]
        obj.update(_DEFAULTS.get(name, {}))
        obj = copy.deepcopy(obj)
        obj.update(copy.deepcopy(dict(fields)))
        obj["id"] = ident
        if "key" in _DEFAULTS.get(name, {}) and not obj.get("key"):
            obj["key"] = slugify(f"{obj.get('name') or name}-{ident}")
        if name == "experiences":
            obj["variations"] = self.new_variations(obj.get("variations") or None)
        elif name == "api-keys" and not obj.get("key_id"):
            obj["key_id"] = f"key-{ident}"
        elif name == "sdk-keys" and not obj.get("sdk_key"):
            obj["sdk_key"] = "-".join(map(str, (*scope.values(), ident)))
        return obj

    def new_variations(self, given: list[Any] | None = None) -> list[Obj]:
        """Variations with ids and defaults; "Original" + "Variation 1" when none are given."""
        raw: list[Any] = given or [{"name": "Original"}, {"name": "Variation 1"}]
        share = round(100 / len(raw), 2)
        result: list[Obj] = []
        for index, item in enumerate(raw):
            fields: Obj = dict(item) if isinstance(item, Mapping) else {}
            ident = fields.get("id") or self.next_id("variations")
            name = fields.get("name") or ("Original" if index == 0 else f"Variation {index}")
            variation: Obj = {
                "id": ident,
                "name": name,
                "description": None,
                "key": slugify(f"{ident}-{name}"),
                "is_baseline": index == 0,
                "traffic_distribution": share
                if index < len(raw) - 1
                else round(100 - share * index, 2),
                "status": "running",
                "changes": [],
            }
            variation.update({k: v for k, v in fields.items() if k != "id"})
            self.number_changes(variation)
            result.append(variation)
        return result

    def number_changes(self, variation: Obj) -> None:
        """Give every change of ``variation`` that has none an id (changes are addressable)."""
        changes = variation.get("changes")
        if not isinstance(changes, list):
            return
        for change in changes:
            if isinstance(change, dict) and not change.get("id"):
                change["id"] = self.next_id("changes")

    def remove(self, name: str, obj: Obj, **scope: int) -> None:
        """Remove ``obj`` from ``name`` in ``scope`` (whatever its id's type)."""
        objects = self.collection(name, **scope)
        for key, stored in list(objects.items()):
            if stored is obj:
                del objects[key]

    # -- report data ----------------------------------------------------------------------

    #: Days of report data an experience that ran has (ending at its end or "now").
    REPORT_DAYS = 14

    def traffic(self, experience: Obj) -> dict[int, list[Obj]]:
        """The stored report data of ``experience``: for each variation id, one entry per day
        ``{"timestamp", "visitors", "goals": {goal_id: {"conversions", "revenue",
        "products"}}}``. Generated from the seed on first use; an experience that never ran
        (draft, scheduled) has no days."""
        ident = int(experience["id"])
        stored = self._traffic.get(ident)
        if stored is None:
            stored = self._traffic[ident] = self._generate_traffic(experience)
        return stored

    def report_goal(self, experience: Obj, goal_id: int) -> None:
        """Make sure every stored day of ``experience`` has numbers for ``goal_id``."""
        for variation_id, days in self.traffic(experience).items():
            goal_rng = random.Random(f"{self.seed}:{experience['id']}:{goal_id}")
            rate, order_value = goal_rng.uniform(0.02, 0.12), goal_rng.uniform(25, 140)
            baseline = _baseline_id(experience)
            rng = random.Random(f"{self.seed}:{experience['id']}:{goal_id}:{variation_id}")
            lift = 1.0 if variation_id == baseline else rng.uniform(0.85, 1.25)
            for day in days:
                if goal_id in day["goals"]:
                    continue
                conversions = round(day["visitors"] * rate * lift * rng.uniform(0.7, 1.3))
                day["goals"][goal_id] = {
                    "conversions": conversions,
                    "revenue": round(conversions * order_value * rng.uniform(0.9, 1.1), 2),
                    "products": conversions + rng.randint(0, conversions // 3 + 1),
                }

    def _generate_traffic(self, experience: Obj) -> dict[int, list[Obj]]:
        variations = [v for v in experience.get("variations") or [] if isinstance(v, dict)]
        ran = experience.get("status") not in ("draft", "scheduled")
        start = experience.get("start_time") or BASE_TIMESTAMP - self.REPORT_DAYS * _DAY
        start -= start % _DAY
        result: dict[int, list[Obj]] = {}
        for variation in variations:
            rng = random.Random(f"{self.seed}:{experience['id']}:{variation['id']}:traffic")
            result[int(variation["id"])] = [
                {"timestamp": start + n * _DAY, "visitors": rng.randint(100, 1_800), "goals": {}}
                for n in range(self.REPORT_DAYS if ran else 0)
            ]
        return result

    # -- convenience ----------------------------------------------------------------------

    def add_experiences(self, account_id: int, project_id: int, count: int) -> list[Obj]:
        """Bulk-create ``count`` generic two-variation experiences (fast: no per-item RNG)."""
        goals = sorted(self.collection("goals", account_id=account_id, project_id=project_id))
        target = self.collection("experiences", account_id=account_id, project_id=project_id)
        statuses = ("active", "paused", "completed", "draft")
        created: list[Obj] = []
        for n in range(count):
            ident = self.next_id("experiences")
            status = statuses[n % 4]
            started = None if status == "draft" else BASE_TIMESTAMP - (n % 90 + 1) * _DAY
            obj = _experience(
                ident,
                project_id,
                name=f"Generated experience {ident}",
                status=status,
                exp_type="a/b",
                start_time=started,
                end_time=None if started is None or status == "active" else started + 14 * _DAY,
                goals=goals[:2],
                variations=[
                    _variation(self.next_id("variations"), "Original", baseline=True, share=50.0),
                    _variation(self.next_id("variations"), "Variation 1", share=50.0),
                ],
            )
            target[ident] = obj
            created.append(obj)
        return created


def _baseline_id(experience: Obj) -> int | None:
    variations = [v for v in experience.get("variations") or [] if isinstance(v, dict)]
    return next((int(v["id"]) for v in variations if v.get("is_baseline")), None)


# Collections whose objects carry their project id in a "project" field.
_PROJECT_CHILDREN = {"experiences", "hypotheses", "knowledge-bases", "observations"}

# Defaults for objects created through the API (``/add``); fields the client sends win.
_DEFAULTS: dict[str, Obj] = {
    "projects": {
        "name": "New project",
        "project_type": "web",
        "status": "active",
        "global_javascript": None,
        "settings": {},
        "reporting_settings": {},
        "integrations_settings": {},
        "environments": {"production": {"label": "Production", "is_default": True}},
    },
    "experiences": {
        "name": "New experience",
        "key": "",
        "description": "",
        "objective": None,
        "status": "draft",
        "type": "a/b",
        "start_time": None,
        "end_time": None,
        "primary_goal": None,
        "goals": [],
        "audiences": [],
        "locations": [],
        "tags": [],
        "traffic_distribution": 100,
        "environment": "production",
        "url": "https://www.example.com/",
        "version": 1,
        "global_js": "",
        "global_css": "",
        "settings": {},
        "integrations": [],
    },
    "goals": {
        "name": "New goal",
        "key": "",
        "description": "",
        "is_system": False,
        "selected_default": False,
        "status": "active",
        "type": "visits_page",
        "triggering_rule": None,
    },
    "locations": {
        "name": "New location",
        "key": "",
        "description": "",
        "status": "active",
        "preset": False,
        "selected_default": False,
        "rules": None,
        "trigger": {"type": "upon_run"},
    },
    "audiences": {
        "name": "New audience",
        "key": "",
        "description": "",
        "status": "active",
        "preset": False,
        "selected_default": False,
        "type": "permanent",
        "rules": None,
    },
    "hypotheses": {"name": "New hypothesis", "status": "draft", "objective": "", "tags": []},
    "knowledge-bases": {"name": "New knowledge base", "status": "active", "summary": ""},
    "observations": {"name": "New observation", "status": "active", "description": ""},
    "features": {"name": "New feature", "key": "", "status": "active", "variables": []},
    "api-keys": {"name": "New API key", "auth_type": "requestSigning", "projects": []},
    "sdk-keys": {"name": "New SDK key", "environment": "production", "status": "enabled"},
    "tags": {"name": "New tag", "description": ""},
    "domains": {"url": "https://www.example.com", "code_installed": False},
}


def _variation(ident: int, name: str, *, baseline: bool = False, share: float = 50.0) -> Obj:
    return {
        "id": ident,
        "name": name,
        "description": None,
        "key": slugify(f"{ident}-{name}"),
        "is_baseline": baseline,
        "traffic_distribution": share,
        "status": "running",
        "changes": [],
    }


def _experience(
    ident: int,
    project_id: int,
    *,
    name: str,
    status: str,
    exp_type: str,
    start_time: int | None,
    end_time: int | None,
    goals: list[int],
    variations: list[Obj],
    key: str | None = None,
    audiences: list[int] | None = None,
    locations: list[int] | None = None,
    tags: list[int] | None = None,
    url: str = "https://www.acme-digital.com/",
) -> Obj:
    return {
        "id": ident,
        "project": project_id,
        "name": name,
        "key": key or slugify(f"{name}-{ident}"),
        "description": "",
        "objective": None,
        "status": status,
        "type": exp_type,
        "start_time": start_time,
        "end_time": end_time,
        "primary_goal": goals[0] if goals else None,
        "goals": goals,
        "audiences": audiences or [],
        "locations": locations or [],
        "tags": tags or [],
        "traffic_distribution": 100,
        "environment": "production",
        "url": url,
        "version": 1,
        "global_js": "",
        "global_css": "",
        "settings": {},
        "integrations": [],
        "variations": variations,
    }


# A 1x1 transparent PNG: the content of seeded images, screenshots and heatmaps.
_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
_BRIEF = b"Test brief: simplify the checkout form and measure completed purchases.\n"

_PAGES = (
    "Homepage",
    "Product Page",
    "Pricing Page",
    "Checkout",
    "Cart",
    "Signup Form",
    "Landing Page",
    "Search Results",
    "Category Page",
    "Main Navigation",
)
_CHANGES = (
    "Hero Headline",
    "CTA Button Color",
    "Social Proof Banner",
    "Free Shipping Message",
    "Trust Badges",
    "Layout Redesign",
    "Price Anchoring",
    "Urgency Timer",
    "Simplified Form",
    "Video Instead of Image",
    "Sticky Add-to-Cart",
    "Testimonials Carousel",
)
_GOALS = (
    ("Completed Purchase", "revenue"),
    ("Added to Cart", "clicks_element"),
    ("Newsletter Signup", "submits_form"),
    ("Viewed Pricing Page", "visits_page"),
    ("Started Checkout", "visits_page"),
    ("Requested a Demo", "submits_form"),
    ("Clicked Hero CTA", "clicks_element"),
)
_LOCATIONS = (
    ("All Pages", "", "contains"),
    ("Homepage", "/", "matches"),
    ("Product Pages", "/products/", "contains"),
    ("Checkout Funnel", "/checkout", "contains"),
)
_AUDIENCES = (
    ("New Visitors", "permanent"),
    ("Returning Customers", "permanent"),
    ("Mobile Users", "transient"),
    ("Visitors from the USA", "transient"),
)
_HYPOTHESES = (
    ("Shorter checkout form increases completion", "applied"),
    ("Showing shipping costs early reduces cart abandonment", "proven"),
    ("Customer reviews on product pages lift add-to-cart", "draft"),
    ("A single pricing CTA reduces decision fatigue", "completed"),
)
_TAGS = ("Q3 Campaign", "Homepage", "High Priority", "Mobile", "Checkout")
_FEATURES = ("new_checkout_flow", "recommendations_widget", "beta_dashboard")
_ACCOUNTS = (
    (
        1001,
        "Acme Digital",
        (
            ("Acme Storefront", "web", "https://www.acme-digital.com"),
            ("Acme Mobile App", "fullstack", "https://app.acme-digital.com"),
            ("Acme Help Center", "web", "https://help.acme-digital.com"),
        ),
    ),
    (
        1002,
        "Northwind Outfitters",
        (
            ("Northwind Shop", "web", "https://shop.northwind-outfitters.com"),
            ("Northwind Journal", "web", "https://journal.northwind-outfitters.com"),
        ),
    ),
)


class _Seeder:
    """Fills a store with realistic, seed-determined accounts, projects and their contents."""

    def __init__(self, store: FakeStore, rng: random.Random) -> None:
        self.store = store
        self.rng = rng

    def run(self) -> None:
        store = self.store
        store.collection("access-roles").update(
            {
                n: {"id": n, "name": role, "permissions": {}}
                for n, role in enumerate(("owner", "account_manager", "admin", "edit", "browse"), 1)
            }
        )
        store.collection("billing-plans").update(
            {
                1: {"id": 1, "name": "Growth", "monthly_visitors": 100_000},
                2: {"id": 2, "name": "Pro", "monthly_visitors": 500_000},
                3: {"id": 3, "name": "Enterprise", "monthly_visitors": 5_000_000},
            }
        )
        for account_id, account_name, projects in _ACCOUNTS:
            store.collection("accounts")[account_id] = {
                "id": account_id,
                "accountType": "main",
                "name": account_name,
                "accessRole": "owner",
                "access_all_projects": True,
                "settings": {},
                "billing": {"plan": "Pro"},
                "limitsAndCapabilities": {},
            }
            store.collection("api-keys", account_id=account_id)[1] = {
                "id": 1,
                "name": "CI reporting",
                "auth_type": "requestSigning",
                "key_id": f"key-{account_id}",
            }
            self._collaborators(account_id)
            for name, project_type, domain in projects:
                self._project(account_id, name, project_type, domain)
        store.collection("oauth-clients")[1] = {
            "id": "oc-reporting-dashboard",
            "name": "Reporting dashboard",
            "callback_url": "https://dashboard.acme-digital.com/oauth/callback",
            "description": "Internal KPI dashboard",
            "embedded": False,
            "created_at": BASE_TIMESTAMP - 90 * _DAY,
        }
        for n, client in enumerate(("Chrome on macOS", "Convert iOS app"), 1):
            store.collection("user-sessions")[n] = {
                "sid": f"sess-{n:04d}",
                "authorized_type": "session_cookie" if n == 1 else "oauth",
                "client": client,
                "created_at": BASE_TIMESTAMP - n * 3 * _DAY,
                "last_used_at": BASE_TIMESTAMP - n * 3600,
                "expires_at": BASE_TIMESTAMP + 14 * _DAY,
            }
        # Counters continue after the seeded ids so created objects never collide.
        for _ in _ACCOUNTS:
            store.next_id("accounts")

    def _project(self, account_id: int, name: str, project_type: str, domain: str) -> None:
        store, rng = self.store, self.rng
        project_id = store.next_id("projects")
        store.collection("projects", account_id=account_id)[project_id] = {
            "id": project_id,
            "name": name,
            "project_type": project_type,
            "status": "active",
            "global_javascript": None,
            "settings": {"time_zone": "UTC"},
            "reporting_settings": {"confidence_level": 95},
            "integrations_settings": {},
            "environments": {
                "production": {"label": "Production", "is_default": True},
                "staging": {"label": "Staging", "is_default": False},
            },
        }
        scope = {"account_id": account_id, "project_id": project_id}

        goal_ids = []
        for goal_name, goal_type in rng.sample(_GOALS, rng.randint(3, 5)):
            goal = store.add("goals", {"name": goal_name, "type": goal_type}, **scope)
            goal["key"] = slugify(goal_name)
            goal_ids.append(goal["id"])
        location_ids = []
        for loc_name, path, match in _LOCATIONS[: rng.randint(3, 4)]:
            rule = {"rule_type": "url", "matching": {"match_type": match}, "value": domain + path}
            location = store.add(
                "locations",
                {"name": loc_name, "rules": {"OR": [{"AND": [{"OR_WHEN": [rule]}]}]}},
                **scope,
            )
            location["key"] = slugify(loc_name)
            location_ids.append(location["id"])
        audience_ids = []
        for aud_name, aud_type in _AUDIENCES[: rng.randint(2, 4)]:
            audience = store.add("audiences", {"name": aud_name, "type": aud_type}, **scope)
            audience["key"] = slugify(aud_name)
            audience_ids.append(audience["id"])
        tag_ids = [store.add("tags", {"name": t}, **scope)["id"] for t in _TAGS]
        for hyp_name, hyp_status in rng.sample(_HYPOTHESES, 3):
            store.add(
                "hypotheses",
                {
                    "name": hyp_name,
                    "status": hyp_status,
                    "url": domain + "/",
                    "prioritization_score_type": "PIE",
                    "created_at": BASE_TIMESTAMP - rng.randint(30, 200) * _DAY,
                    "created_by": "Dana Whitfield",
                },
                **scope,
            )
        store.add(
            "observations",
            {"name": "Visitors drop off on the shipping step", "url": domain + "/checkout"},
            **scope,
        )
        store.add(
            "knowledge-bases",
            {"name": "Early shipping costs reduce abandonment", "summary": "Proven in Q1 tests."},
            **scope,
        )
        store.add("domains", {"url": domain, "code_installed": True}, **scope)
        for feature_key in _FEATURES[: rng.randint(1, 3)]:
            store.add(
                "features",
                {
                    "name": feature_key.replace("_", " ").capitalize(),
                    "key": feature_key,
                    "variables": [{"key": "enabled", "type": "boolean", "default_value": False}],
                },
                **scope,
            )
        store.collection("sdk-keys", **scope)[1] = {
            "id": 1,
            "name": "Production",
            "sdk_key": f"{account_id}-{project_id}-prod",
            "environment": "production",
        }
        store.collection("locations-presets", **scope).update(
            {1: {"id": 1, "name": "All Pages", "preset": True, "status": "active"}}
        )
        store.collection("audiences-presets", **scope).update(
            {1: {"id": 1, "name": "All Visitors", "preset": True, "type": "permanent"}}
        )
        self._insights(scope, domain)
        self._uploads(scope)
        self._experiences(project_id, project_type, domain, scope, goal_ids, location_ids)
        experiences = store.collection("experiences", **scope)
        for exp_id in sorted(experiences)[:5]:
            store.add(
                "change-history",
                {
                    "timestamp": BASE_TIMESTAMP - rng.randint(1, 60) * _DAY,
                    "event": rng.choice(("update", "create", "status_change")),
                    "method": rng.choice(("app", "api")),
                    "object": "experience",
                    "object_id": str(exp_id),
                    "project": project_id,
                    "user": "Dana Whitfield",
                    "info": {"name": experiences[exp_id]["name"]},
                    "changes": {},
                },
                **scope,
            )
            for variation in experiences[exp_id]["variations"]:
                heatmap = store.add(
                    "heatmaps", {"experience_id": exp_id, "variation_id": variation["id"]}, **scope
                )
                heatmap["id"] = f"hm-{variation['id']}"  # heatmap ids are strings
                store.blobs[f"screenshots/variations/{variation['id']}"] = _PNG
        for exp in experiences.values():
            exp["audiences"] = rng.sample(audience_ids, rng.randint(0, 1))
            exp["tags"] = rng.sample(tag_ids, rng.randint(0, 2))

    def _collaborators(self, account_id: int) -> None:
        people = (
            ("Dana", "Whitfield", "owner@acme.example", "admin"),
            ("Marco", "Silva", "marco.silva@acme.example", "edit"),
            ("Priya", "Natarajan", "priya.n@agency.example", "browse"),
        )
        for n, (first, last, email, role) in enumerate(people, 1):
            self.store.collection("users-accesses", account_id=account_id)[n] = {
                "user_id": f"u-{account_id}-{n}",
                "first_name": first,
                "last_name": last,
                "email": email,
                "accesses": [
                    {
                        "role": role,
                        "status": "active" if n < 3 else "pending",
                        "api_access": role == "admin",
                        "project": None,
                    }
                ],
            }

    def _insights(self, scope: Mapping[str, int], domain: str) -> None:
        """Visitor insights of a project: sessions, signal sessions, visitors data."""
        store, rng = self.store, self.rng
        pages = ["/", "/products/", "/cart", "/checkout", "/pricing"]
        for n in range(6):
            visited = rng.sample(pages, rng.randint(2, 4))
            signal = store.add(
                "signal-sessions",
                {
                    "duration": rng.randint(20, 900),
                    "visited_pages": [{"url": domain + p} for p in visited],
                    "visited_pages_count": len(visited),
                    "entry_page": domain + visited[0],
                    "exit_page": domain + visited[-1],
                    "session_start_time": (BASE_TIMESTAMP - rng.randint(1, 20) * _DAY) * 1000,
                    "device": rng.choice(("desktop", "mobile", "tablet")),
                    "browser": rng.choice(("chrome", "safari", "firefox")),
                    "country_code": rng.choice(("US", "GB", "DE", "RO")),
                    "watched": n % 3 == 0,
                },
                **scope,
            )
            signal["id"] = f"sig-{signal['id']}"
            store.add("sessions", {}, **scope)
        for n, (segment, plan) in enumerate((("vip", "pro"), ("trial", "free"), ("b2b", "team"))):
            store.add(
                "visitors-data",
                {
                    "visitor_id": f"visitor-{scope['project_id']}-{n + 1}",
                    "data": {"segment": segment, "plan": plan, "lifetime_orders": 3 * n + 1},
                    "source": "api",
                    "created_at": BASE_TIMESTAMP - (n + 2) * _DAY,
                },
                **scope,
            )
        for name, default in (("first_name", "there"), ("plan", "free"), ("city", "your city")):
            store.add(
                "placeholders",
                {"placeholder": name, "default_value": default, "created_at": BASE_TIMESTAMP},
                **scope,
            )

    def _uploads(self, scope: Mapping[str, int]) -> None:
        """Images on the project's CDN and uploaded files, with their contents."""
        store = self.store
        project_id = scope["project_id"]
        for name in ("hero-banner.png", "free-shipping-badge.png"):
            key = f"{project_id}/images/{name}"
            store.add(
                "images",
                {"key": key, "cdn_url": f"https://cdn.convert.example/{key}", "name": name},
                **scope,
            )
            store.blobs[key] = _PNG
        key = f"{project_id}/files/brief.txt"
        store.add(
            "files",
            {
                "key": key,
                "url": f"https://cdn.convert.example/{key}",
                "file_name": "brief.txt",
                "file_size": len(_BRIEF),
                "mime_type": "text/plain",
                "status": "success",
            },
            **scope,
        )
        store.blobs[key] = _BRIEF

    def _experiences(
        self,
        project_id: int,
        project_type: str,
        domain: str,
        scope: Mapping[str, int],
        goal_ids: list[int],
        location_ids: list[int],
    ) -> None:
        store, rng = self.store, self.rng
        names = rng.sample([f"{p}: {c}" for p in _PAGES for c in _CHANGES], 12)
        statuses = ["active", "paused", "completed", "draft"] * 3
        rng.shuffle(statuses)
        types = (
            ("a/b_fullstack", "a/b_fullstack", "feature_rollout")
            if project_type == "fullstack"
            else ("a/b", "a/b", "a/b", "split_url", "mvt", "multipage", "a/a", "deploy")
        )
        target = store.collection("experiences", **scope)
        for name, status in zip(names, statuses, strict=True):
            ident = store.next_id("experiences")
            exp_type = rng.choice(types)
            start = None if status == "draft" else BASE_TIMESTAMP - rng.randint(20, 150) * _DAY
            end = None
            if start is not None and status in ("paused", "completed"):
                end = start + rng.randint(10, 19) * _DAY
            variation_names = ["Original", "Variation 1", "Variation 2"][: rng.randint(2, 3)]
            share = round(100 / len(variation_names), 2)
            variations = [
                _variation(store.next_id("variations"), v, baseline=i == 0, share=share)
                for i, v in enumerate(variation_names)
            ]
            variations[-1]["traffic_distribution"] = round(100 - share * (len(variations) - 1), 2)
            for variation in variations[1:]:
                css = f"#hero h1 {{ color: #{rng.randrange(0x1000000):06x}; }}"
                change = {"type": "customCode", "data": {"css": css, "js": None, "page_id": "1"}}
                variation["changes"] = [change]
                store.number_changes(variation)
            goals = [] if exp_type == "deploy" else rng.sample(goal_ids, rng.randint(1, 3))
            target[ident] = obj = _experience(
                ident,
                project_id,
                name=name,
                key=slugify(name),
                status=status,
                exp_type=exp_type,
                start_time=start,
                end_time=end,
                goals=goals,
                variations=variations,
                locations=[rng.choice(location_ids)],
                url=domain + "/",
            )
            if exp_type == "mvt":
                obj["sections"] = [
                    {
                        "id": str(n),
                        "name": section,
                        "versions": [
                            {"id": "1", "name": "Original", "changes": []},
                            {"id": "2", "name": f"New {section.lower()}", "changes": []},
                        ],
                    }
                    for n, section in enumerate(("Headline", "Hero image"), 1)
                ]
            # Alternate stats engines, so both kinds of aggregated report are seeded.
            methodology = ("frequentist", "bayesian")[ident % 2]
            obj["settings"] = {"stats_engine_processing": {"stats_type": methodology}}
