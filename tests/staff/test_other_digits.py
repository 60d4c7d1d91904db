"""A number box given a character that Python calls a digit but int() refuses (a superscript "²",
pasted with a footnote mark from a document): the page refuses it as any other wrong number, never
with a server error."""

from __future__ import annotations

from sqlalchemy import Connection

from tests.staff.cluster_world import World, coordinator, etag, world
from tests.staff.conftest import StaffLogin

__all__ = ["world"]  # the fixture

SUPERSCRIPT = "²"


def test_a_superscript_digit_is_refused_not_a_server_error(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    staff = coordinator(staff_login)
    cluster = f"/staff/clusters/{world.cluster}"
    created = staff.post("/staff/actions", {"title": "Train the police", "status": "planned"})
    assert created.status_code == 303, created.text
    action = created.headers["location"].split("?")[0]
    action_tag = etag(staff.get(action).text)
    source = world.ids["source"]
    record = f"/staff/recommendations/{source}"
    answers = {
        "find": staff.get(f"{cluster}/add", params={"find": SUPERSCRIPT}),
        "from": staff.get(f"/staff/clusters/{world.cluster}/suggestions", params={"from": SUPERSCRIPT}),
        "cluster add": staff.post(
            f"{cluster}/recommendations/add", {"ids": SUPERSCRIPT, "source": "find", "find": "x"}
        ),
        "cluster remove": staff.post(f"{cluster}/recommendations/remove", {"ids": SUPERSCRIPT}),
        "actions list": staff.get("/staff/actions", params={"entity": SUPERSCRIPT}),
        "action create": staff.post(
            "/staff/actions", {"title": "T", "status": "planned", "recommendation_ids": f"#{SUPERSCRIPT}"}
        ),
        "action link": staff.post(
            f"{action}/recommendations/add", {"add": f"#{SUPERSCRIPT}", "etag": action_tag}
        ),
        "action unlink": staff.post(
            f"{action}/recommendations/remove", {"ids": SUPERSCRIPT, "etag": action_tag}
        ),
        "source link": staff.post(f"{record}/sources/link", {"other_id": SUPERSCRIPT}),
        "bulk count": staff.post(
            "/staff/recommendations",
            {"scope": "all", "expected": SUPERSCRIPT, "action": "update", "set_priority": "low"},
        ),
        "bulk cluster": staff.post(
            "/staff/recommendations",
            {"ids": source, "scope": "selected", "action": "cluster", "cluster_id": SUPERSCRIPT},
        ),
    }
    # Searched for in the texts, as any word; the bulk form's count of the list (a hidden box) unread,
    # as any other it cannot read.
    expected = {**dict.fromkeys(answers, 422), "find": 200, "bulk count": 303}
    assert {name: answer.status_code for name, answer in answers.items()} == expected
    for name, answer in answers.items():
        if answer.status_code == 422:
            assert '<div class="error-summary"' in answer.text, name
