"""Every date box of the workspace's forms offers the years a recorded date may fall in (min and max:
1945-01-01 and 2100-12-31, app.core.dates.EnteredDate's), so the browser's date picker offers no year
the API would refuse; the boxes had no limits, and a year typed wrong was found only once sent."""

from __future__ import annotations

import re

from app.core.dates import EARLIEST_DAY, LATEST_DAY
from app.staff.pages import TEMPLATES
from tests.staff.conftest import StaffLogin
from tests.staff.test_entered_date_forms import World, world

__all__ = ["world"]  # the fixture

_DATE_BOX = re.compile(r'<input id="field-(?P<name>[\w-]+)"[^>]*type="date"[^>]*>')
LIMITS = f'min="{EARLIEST_DAY.isoformat()}" max="{LATEST_DAY.isoformat()}"'


def _date_boxes(page: str) -> dict[str, str]:
    return {match.group("name"): match.group(0) for match in _DATE_BOX.finditer(page)}


def test_every_date_box_of_the_forms_has_the_years_of_a_recorded_date(
    world: World, staff_login: StaffLogin
) -> None:
    assert LIMITS == 'min="1945-01-01" max="2100-12-31"'
    admin = staff_login("admin")
    pages = {
        "/staff/actions/new": {"start_date", "due_date"},
        "/staff/actions": {"due_after", "due_before"},
        f"/staff/actions/{world.action}/indicators/new": {"baseline_date", "target_date"},
        f"/staff/indicators/{world.indicator}": {"measured_on"},
        f"/staff/actions/{world.action}/progress/new": {"reported_on"},
        "/staff/progress": {"reported_from", "reported_to"},
        "/staff/calendar/new": {"due_on"},
        "/staff/calendar": {"from", "to"},
        "/staff/recommendations": {"published_from", "published_to"},
        "/staff/api-keys/new": {"expires_at"},
    }
    for path, names in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        boxes = _date_boxes(response.text)
        assert names <= set(boxes), (path, sorted(boxes))
        for name, box in boxes.items():
            assert LIMITS in box, (path, name, box)


def test_no_template_writes_a_date_box_of_its_own() -> None:
    """The limits are written by the form macro (``forms.input``) alone: a date box written by hand
    would go without them."""
    by_hand = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if path.name != "_forms.html"
        and re.search(r'<input[^>]*type="date"', path.read_text(encoding="utf-8"))
    ]
    assert by_hand == []
