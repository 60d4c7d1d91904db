"""The world of the authorization matrix (tests/auth/test_authorization.py) and the concrete request
of each route on it: two entities with their actions, indicators, progress updates in every state (a
PDF attached to each draft), values and deadlines; a cluster; recommendations, one selected for
treaty-body follow-up (so the calendar lists its reply due)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from app.core.actor import Actor
from app.evidence import service as evidence
from app.evidence.storage import BlobStore
from app.models import ApiKey, Deadline, ImportRun, RecommendationFollowUp, SourceLink
from app.reports import state_template
from app.reports.default_template import PATH as DEFAULT_TEMPLATE
from app.reports.formats import DOCX
from tests import accounts
from tests.builder import building, imported
from tests.evidence.samples import PDF
from tests.factories import record

# The state of the progress update or indicator value a route acts on, by the path's last segment
# (a draft otherwise).
_PROGRESS_STATE = {
    "submit": "draft",
    "approve": "submitted",
    "return": "submitted",
    "publish": "approved",
    "unpublish": "published",
}
_VALUE_STATE = {"submit": "draft", "approve": "submitted", "return": "submitted", "corrections": "approved"}
# Writes that take no If-Match: an evidence file is never changed, only removed.
_NO_IF_MATCH = {("DELETE", "/api/v1/evidence/{evidence_id}")}
# The replacements that need it (a PUT of the follow-up takes it optionally).
_PUT_IF_MATCH = {("PUT", "/api/v1/reports/template")}


@dataclass
class World:
    """Ids of what the routes act on, for entity A ("own") and entity B ("other")."""

    ids: dict[str, int]
    headers: dict[str, dict[str, str]]
    admin_email: str


def build_world(engine: Engine, storage_dir: Path) -> World:
    recs = imported(
        engine,
        [
            record(
                f"az-{n}",
                f"<p>{n}. Guarantee access to justice for children, case {n}.</p>",
                themes=["Right to justice"],
                sdgs=["16.3"],
                countries=["Peru"],
            )
            for n in (1, 2, 3)
        ],
    )
    recs |= imported(
        engine,
        [
            record("az-manual", "<p>1. A regional recommendation.</p>", source="manual"),
            record("az-manual-2", "<p>2. Another regional recommendation.</p>", source="manual"),
        ],
        source="manual",
    )
    admin_email = "admin@example.org"
    builder = Actor(role="admin", label="world builder")
    with building(engine) as build:
        own = build.entity("Ministry A").id
        other = build.entity("Ministry B").id
        bind = build.session.connection()
        headers = {
            "admin": accounts.headers_for(bind, "admin", email=admin_email),
            "coord": accounts.headers_for(bind, "coordinator"),
            "fp_own": accounts.headers_for(bind, "focal_point", entity_id=own),
            "fp_none": accounts.headers_for(bind, "focal_point"),
            "reader": accounts.headers_for(bind, "reader"),
            "anon": {},
        }
        headers["fp_other"] = headers["fp_own"]
        run_id = build.session.scalar(select(func.max(ImportRun.id)))
        assert run_id is not None
        cluster = build.cluster("Access to justice", [recs["az-1"]], lead_entity_id=own)
        key = ApiKey(name="bot", prefix="nrtd_xxxxxxx", key_hash="0" * 64, role="reader", scope="read")
        build.session.add(key)
        # az-manual-2: a regional copy a coordinator linked to az-1 by hand (unlink acts on it);
        # az-manual stays free to link.
        build.session.add(
            SourceLink(leader_id=recs["az-1"], member_id=recs["az-manual-2"], state="linked", method="manual")
        )
        # A coordinator's selection for follow-up, with its due date: the calendar's reply due.
        build.session.add(
            RecommendationFollowUp(
                recommendation_id=recs["az-1"],
                detected_selected=False,
                corrected_selected=True,
                corrected_due=date(2027, 3, 1),
                corrected_note="Named in the committee's letter",
            )
        )
        ids: dict[str, int] = {"run": run_id, "own_entity": own, "other_entity": other}
        ids["user"] = build.user("target@example.org", "reader")
        for side, entity in (("own", own), ("other", other)):
            action = build.action(
                f"Action of {side}",
                recommendations=[recs["az-1"]],
                entities=[entity] if side == "own" else [],
                lead_entity_id=entity,
                status="planned",
            )
            indicator = build.indicator(action.id, f"Indicator of {side}")
            ids |= {f"action_{side}": action.id, f"indicator_{side}": indicator.id}
            for state in ("draft", "submitted", "approved", "published"):
                ids[f"progress_{state}_{side}"] = build.progress(action.id, state, f"{state} report").id
            for state in ("draft", "submitted", "approved"):
                ids[f"value_{state}_{side}"] = build.value(indicator.id, state, 3).id
            attached = evidence.attach(
                build.session,
                builder,
                BlobStore(storage_dir),
                ids[f"progress_draft_{side}"],
                io.BytesIO(PDF),
                f"minutes-{side}.pdf",
                1 << 20,
            )
            ids[f"evidence_{side}"] = attached.id
        build.session.flush()
        # The State's Word template (the shipped one, uploaded): GET, PUT and DELETE act on it.
        shipped = state_template.version(None)
        state_template.upload(build.session, builder, "state.docx", DEFAULT_TEMPLATE.read_bytes(), shipped)
        for side, entity in (("own", own), ("other", other)):
            deadline = Deadline(title=f"Deadline of {side}", due_on=date(2027, 1, 1), entity_id=entity)
            build.session.add(deadline)
            build.session.flush()
            ids[f"deadline_{side}"] = deadline.id
        ids |= {
            "rec": recs["az-1"],
            "rec2": recs["az-2"],
            "manual": recs["az-manual"],
            "manual2": recs["az-manual-2"],
            "cluster": cluster.id,
            "key": key.id,
        }
    return World(ids, headers, admin_email)


@dataclass
class Call:
    path: str
    body: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    # Where to read the ETag a write must send in If-Match (the resource's own GET).
    etag_from: str | None = None
    # A multipart upload: field -> (filename, content, media type).
    files: dict[str, tuple[str, bytes, str]] | None = None


def _bodies(ids: dict[str, int], side: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The request bodies of the calls that must succeed, on the objects of ``side``."""
    return {
        ("POST", "/api/v1/users"): {
            "email": "new@example.org",
            "role": "reader",
            "password": "a long enough password",
        },
        ("PATCH", "/api/v1/users/{user_id}"): {"full_name": "Renamed"},
        ("POST", "/api/v1/me/password"): {
            "current_password": accounts.PASSWORD,
            "new_password": "violet tangerine ocean marmot",
        },
        ("PUT", "/api/v1/me/reminders"): {"digest": "daily", "language": "fr"},
        ("POST", "/api/v1/api-keys"): {"name": "client", "role": "reader"},
        ("POST", "/api/v1/entities"): {"name": "Ministry C", "kind": "ministry"},
        ("PATCH", "/api/v1/entities/{entity_id}"): {"acronym": "MA"},
        ("POST", "/api/v1/recommendations"): {"text": "Adopt a regional plan.", "mechanism": "CRC"},
        ("POST", "/api/v1/recommendations/bulk"): {"ids": [ids["rec"]], "set": {"priority": "high"}},
        ("POST", "/api/v1/recommendations/reviewed"): {"ids": [ids["rec"]]},
        ("POST", "/api/v1/recommendations/publish"): {"ids": [ids["rec"]]},
        ("PATCH", "/api/v1/recommendations/{recommendation_id}"): {"priority": "high"},
        ("PUT", "/api/v1/recommendations/{recommendation_id}/follow-up"): {
            "due": "2027-06-30",
            "note": "Extension granted by the committee",
        },
        ("POST", "/api/v1/recommendations/{recommendation_id}/follow-up/grades"): {
            "grade": "B",
            "assessed_on": "2026-06-01",
            "source_symbol": "CRC/C/90/2",
        },
        ("POST", "/api/v1/clusters"): {"name": "New cluster"},
        ("PATCH", "/api/v1/clusters/{cluster_id}"): {"description": "Changed"},
        ("POST", "/api/v1/clusters/{cluster_id}/recommendations"): {"ids": [ids["rec2"]]},
        ("DELETE", "/api/v1/clusters/{cluster_id}/recommendations"): {"ids": [ids["rec"]]},
        ("POST", "/api/v1/actions"): {"title": "New action"},
        ("PATCH", "/api/v1/actions/{action_id}"): {"title": "Renamed action"},
        ("POST", "/api/v1/actions/{action_id}/indicators"): {"name": "New indicator"},
        ("PATCH", "/api/v1/indicators/{indicator_id}"): {"unit": "%"},
        ("POST", "/api/v1/indicators/{indicator_id}/values"): {"measured_on": "2026-01-02", "value": 3},
        ("POST", "/api/v1/actions/{action_id}/progress"): {"reported_on": "2026-01-02", "narrative": "Done"},
        ("PATCH", "/api/v1/progress/{progress_id}"): {"narrative": "Edited"},
        ("POST", "/api/v1/progress/{progress_id}/approve"): {"publish": True},
        ("POST", "/api/v1/progress/{progress_id}/return"): {"comment": "Add evidence"},
        ("POST", "/api/v1/progress/approve"): {"ids": [ids[f"progress_submitted_{side}"]], "publish": True},
        ("POST", "/api/v1/progress/return"): {
            "ids": [ids[f"progress_submitted_{side}"]],
            "comment": "Add evidence",
        },
        ("POST", "/api/v1/deadlines"): {"title": "Report to parliament", "due_on": "2027-02-01"},
        ("POST", "/api/v1/deadlines/publications"): {
            "kind": "follow_up_reply",
            "object_id": ids["rec"],
            "published": True,
        },
        ("POST", "/api/v1/deadlines/sent"): {
            "kind": "follow_up_reply",
            "object_id": ids["rec"],
            "sent_on": "2026-01-02",
        },
        ("PATCH", "/api/v1/deadlines/{deadline_id}"): {"title": "Renamed deadline"},
        ("PATCH", "/api/v1/indicator-values/{value_id}"): {"value": 4},
        ("POST", "/api/v1/indicator-values/{value_id}/corrections"): {
            "measured_on": "2026-01-02",
            "value": 4,
        },
        ("POST", "/api/v1/indicator-values/{value_id}/return"): {"comment": "Recount"},
    }


def call_for(method: str, template: str, world: World, side: str) -> Call:
    """The concrete request of a route, on the objects of ``side`` ("own" or "other")."""
    ids = world.ids
    last = template.rsplit("/", 1)[-1]
    path = template.format(
        user_id=ids["user"],
        key_id=ids["key"],
        entity_id=ids[f"{side}_entity"],
        recommendation_id=ids["manual"] if template.endswith(("archive", "unarchive")) else ids["rec"],
        cluster_id=ids["cluster"],
        action_id=ids[f"action_{side}"],
        indicator_id=ids[f"indicator_{side}"],
        progress_id=ids[f"progress_{_PROGRESS_STATE.get(last, 'draft')}_{side}"],
        value_id=ids[f"value_{_VALUE_STATE.get(last, 'draft')}_{side}"],
        evidence_id=ids[f"evidence_{side}"],
        kind="themes",
        run_id=ids["run"],
        deadline_id=ids[f"deadline_{side}"],
        other_id=ids["manual2"] if last == "unlink" else ids["manual"],
    )
    etag_from = None
    if (
        method in ("PATCH", "DELETE")
        and not template.startswith("/api/v1/me/")
        and (method, template) not in _NO_IF_MATCH
    ) or (method, template) in _PUT_IF_MATCH:
        etag_from = path.removesuffix("/recommendations") if method == "DELETE" else path
    form = None
    if template == "/api/v1/auth/token":
        form = {"username": world.admin_email, "password": accounts.PASSWORD}
    files = None
    if (method, template) == ("POST", "/api/v1/progress/{progress_id}/evidence"):
        # Not the world's own file: an update takes the same file once (409 for a second copy).
        files = {"file": ("workshop.pdf", PDF + b"% workshop\n", "application/pdf")}
    if (method, template) == ("PUT", "/api/v1/reports/template"):
        files = {"file": ("state.docx", DEFAULT_TEMPLATE.read_bytes(), DOCX)}
    return Call(path, _bodies(ids, side).get((method, template)), form, etag_from, files)
