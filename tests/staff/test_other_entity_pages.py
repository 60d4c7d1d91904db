"""Another ministry's progress update, its files and its draft values are, to a focal point, pages
that do not exist ("Page not found", as for an address with a free id), as the API answers them
(tests/plans/test_other_entity_work.py): the update's page said "You may not do this", which told
that it existed, while a draft value's already said "Page not found"."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.conftest import ModuleWorld
from tests.plans.test_other_entity_work import Work
from tests.plans.test_other_entity_work import _work as build_work
from tests.staff.conftest import StaffLogin


@pytest.fixture
def work(module_world: ModuleWorld, migrated_engine: Engine) -> Work:
    return module_world(build_work, migrated_engine)


def test_another_entitys_work_in_progress_is_a_page_not_found(staff_login: StaffLogin, work: Work) -> None:
    focal = staff_login("focal_point", entity_id=work.health)
    for path in (
        f"/staff/progress/{work.draft}",
        f"/staff/progress/{work.approved}",
        f"/staff/evidence/{work.file}",
        f"/staff/values/{work.value}",
    ):
        page, free = focal.get(path), focal.get(path.rsplit("/", 1)[0] + "/999999")
        assert (page.status_code, free.status_code) == (404, 404), path
        assert "Page not found" in page.text, path
    for path, form in (
        (f"/staff/progress/{work.draft}", {"narrative": "Changed."}),
        (f"/staff/progress/{work.draft}/submit", {}),
        (f"/staff/evidence/{work.file}/remove", {}),
        (f"/staff/values/{work.value}", {"value": "41"}),
    ):
        assert focal.post(path, form).status_code == 404, path
    # The action itself is theirs to read.
    assert focal.get(f"/staff/actions/{work.action}").status_code == 200
