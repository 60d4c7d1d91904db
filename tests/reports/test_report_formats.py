"""The three formats open, group correctly, escape, and keep internal data out of the public report
(the groups of each grouping: test_report_groupings.py)."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from io import BytesIO

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Connection, Engine

from app.reports.html import linked
from tests.builder import building
from tests.reports.conftest import (
    DRAFT,
    DRAFT_EVIDENCE,
    NEVER_PUBLIC,
    NOTES,
    PUBLISHED_ACTION,
    PUBLISHED_EVIDENCE,
    PUBLISHED_PROGRESS,
    RATIONALE,
    SCRIPT,
    STAFF_ONLY,
    UNPUBLISHED_ACTION,
    ReportWorld,
    assert_own_style_applies,
    docx_text,
    xlsx_rows,
    xlsx_text,
)

STAFF = "/api/v1/reports/implementation"
PUBLIC = "/api/v1/public/reports/implementation"
VOID = {"meta", "br", "col", "hr", "img", "input", "link", "wbr", "area", "base", "source"}
GROUPINGS = ("cluster", "mechanism", "theme", "sdg", "entity")


class _Page(HTMLParser):
    """Checks the tags nest properly and collects what the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.h2: list[str] = []
        self.tables = 0
        self.html_lang: str | None = None
        self.external: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self._in_h2 = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang")
        if tag == "script":
            self.scripts += 1
        if tag == "table":
            self.tables += 1
        for name in ("src", "href"):
            value = values.get(name) or ""
            if tag == "a" and name == "href":  # a link the reader may follow, not a resource loaded
                self.links.append(value)
            elif value and not value.startswith("#"):
                self.external.append(value)
        if tag == "link":
            self.external.append(str(values))
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h2:
            self.h2[-1] += data


def parse(body: bytes) -> _Page:
    page = _Page()
    page.feed(body.decode("utf-8"))
    page.close()
    assert page.errors == []
    assert page.stack == []
    return page


def get(client: TestClient, path: str, **params: str) -> bytes:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: bytes = response.content
    return body


def report_text(client: TestClient, path: str, fmt: str, group_by: str = "cluster") -> str:
    body = get(client, path, format=fmt, group_by=group_by)
    if fmt == "html":
        return "".join(parse(body).text)
    return docx_text(body) if fmt == "docx" else xlsx_text(body)


def test_html_is_a_complete_accessible_page(client: TestClient, world: ReportWorld) -> None:
    response = client.get(STAFF)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["content-disposition"].startswith("inline; filename=")
    body = response.content
    assert body.startswith(b"<!doctype html>")
    page = parse(body)
    assert page.html_lang == "en"
    assert page.external == []
    assert page.scripts == 0
    assert b"@media print" in body
    assert b'<th scope="col">Recommendation</th>' in body
    # Filters, contents, then one heading and one table per group.
    assert page.h2[:2] == ["Filters used", "Contents"]
    # Staff see the unpublished cluster too (never an archived one). The last section is titled
    # "No cluster" alone, not "Cluster: No cluster".
    assert page.h2[2:] == [
        "Cluster: Access to justice",
        "Cluster: Children's rights",
        "Cluster: PLANTED-UNPUBLISHED-CLUSTER",
        "No cluster",
    ]
    # A table of recommendations per group, and one of their actions where they have some.
    assert page.tables == 7


def test_the_page_is_served_with_a_policy_that_lets_its_style_apply(
    client: TestClient, anonymous_client: TestClient, world: ReportWorld
) -> None:
    assert_own_style_applies(client.get(STAFF, params={"lang": "fr"}))
    assert_own_style_applies(anonymous_client.get(PUBLIC))
    # The office files are downloads, with the site's policy.
    docx = client.get(STAFF, params={"format": "docx"})
    assert "style-src" not in docx.headers["content-security-policy"]


def test_a_french_text_is_marked_as_french(client: TestClient, world: ReportWorld) -> None:
    body = get(client, PUBLIC, lang="fr", group_by="mechanism")
    text = "".join(parse(body).text)
    assert "Garantir l'accès des enfants à la justice." in text
    assert b'lang="fr"' in body
    # No French text: English instead.
    assert "Collect disaggregated data." in text


def test_the_pages_evidence_links_can_be_followed(client: TestClient, world: ReportWorld) -> None:
    """A reader of the page clicks an evidence file's link (the public one on the public page, the
    staff one on the staff page) rather than copying it."""
    file_id = world.ids["evidence:training-attendance.pdf"]
    public = parse(get(client, PUBLIC)).links
    assert f"http://testserver/api/v1/public/evidence/{file_id}" in public
    staff = parse(get(client, STAFF)).links
    assert f"http://testserver/staff/evidence/{file_id}" in staff
    draft = world.ids[f"evidence:{DRAFT_EVIDENCE}"]
    assert f"http://testserver/staff/evidence/{draft}" in staff
    assert all(link.startswith(("#", "http://testserver/api/v1/public/")) for link in public)
    assert all(link.startswith(("#", "http://testserver/staff/evidence/")) for link in staff)
    # Only http and https addresses, escaped, without the sentence's full stop.
    assert linked('See https://a.example/x?a=1&b=2. Not javascript:alert(1) or "https://b.example/"<i>') == (
        'See <a href="https://a.example/x?a=1&amp;b=2">https://a.example/x?a=1&amp;b=2</a>. Not '
        'javascript:alert(1) or &#34;<a href="https://b.example/">https://b.example/</a>&#34;&lt;i&gt;'
    )


def test_html_escapes_everything(client: TestClient, world: ReportWorld) -> None:
    for path in (STAFF, PUBLIC):
        body = get(client, path)
        assert SCRIPT.encode() not in body
        assert b"<script" not in body
        assert b"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
        page = parse(body)
        assert page.scripts == 0
        assert any("Ratify the Optional Protocol <script>" in part for part in page.text)


@pytest.mark.parametrize("path", [STAFF, PUBLIC])
def test_docx_opens_with_a_heading_and_table_per_group(
    client: TestClient, world: ReportWorld, path: str
) -> None:
    response = client.get(path, params={"format": "docx", "group_by": "theme"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["content-disposition"].endswith(".docx")
    document = Document(BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == ["Theme: Children: definition", "Theme: Right to justice", "No theme"]
    # Per theme: its recommendations, then its actions (the third theme's one has none).
    assert len(document.tables) == 5
    header = [cell.text for cell in document.tables[0].rows[0].cells]
    assert header == [
        "Recommendation",
        "Source / symbol",
        "Position",
        "Status",
        "Responsible entity",
        "Actions",
    ]
    # "Right to justice" holds two recommendations; the one in two themes is in both tables.
    recommendations = [document.tables[n] for n in (0, 2, 4)]
    assert [len(table.rows) - 1 for table in recommendations] == [1, 2, 1]
    first = [cell.text for cell in document.tables[0].rows[1].cells]
    assert first[0].startswith("12. Guarantee access to justice for children.")
    assert first[1] == "CRC, CRC/C/PER/CO/5, para. 12"
    assert first[3] == "In progress\nPriority: High"
    assert first[4] == "Lead: Ministry of Justice (MOJ)\nSupporting: Ministry of Social Affairs"
    assert PUBLISHED_ACTION in first[5]
    actions = document.tables[1]
    assert [cell.text for cell in actions.rows[0].cells] == [
        "Action",
        "Status",
        "Due",
        "Lead entity",
        "Latest progress",
    ]
    published = next(row for row in actions.rows[1:] if row.cells[0].text == PUBLISHED_ACTION)
    assert [cell.text for cell in published.cells[1:4]] == [
        "In progress",
        "Dec 31, 2026",
        "Ministry of Justice (MOJ)",
    ]
    assert published.cells[4].text.startswith(f"Jan 1, 2026: {PUBLISHED_PROGRESS}")
    text = docx_text(response.content)
    assert "Generated " in text
    assert "Filters used: none" in text
    upr = [cell.text for cell in document.tables[4].rows[1].cells]
    assert upr[1] == "UPR (cycle 3, session 37), A/HRC/37/8, para. 111.5"
    assert upr[2] == "Supported"


@pytest.mark.parametrize("path", [STAFF, PUBLIC])
def test_xlsx_is_a_matrix_with_one_row_per_recommendation_and_group(
    client: TestClient, world: ReportWorld, path: str
) -> None:
    response = client.get(path, params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["content-disposition"].endswith(".xlsx")
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["Recommendations"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].font.bold
    assert sheet["B2"].alignment.wrap_text
    assert sheet.column_dimensions["B"].width == 70
    rows = xlsx_rows(response.content)
    assert rows[0][:10] == [
        "Cluster",
        "Recommendation",
        "Source (mechanism, symbol, paragraph)",
        "Position",
        "Theme(s)",
        "SDG goals",
        "Status",
        "Priority",
        "Responsible entity",
        "Actions",
    ]
    by_text = [(row[0], row[1][:3]) for row in rows[1:]]
    # rep-1 is in two published clusters: two rows. rep-2 is in an unpublished one (staff only).
    assert by_text[:2] == [("Access to justice", "12."), ("Children's rights", "12.")]
    rep_2 = "PLANTED-UNPUBLISHED-CLUSTER" if path == STAFF else "No cluster"
    assert by_text[2:] == [(rep_2, "13."), ("No cluster", "111")]
    assert rows[1][4] == "Children: definition; Right to justice"
    assert rows[1][5] == "16"
    # The actions sheet: each group's actions once, with their latest published progress.
    actions = xlsx_rows(response.content, "Actions")
    assert actions[0] == ["Cluster", "Action", "Status", "Due", "Lead entity", "Latest progress"] + (
        ["Published"] if path == STAFF else []
    )
    justice = [row for row in actions[1:] if row[0] == "Access to justice" and row[1] == PUBLISHED_ACTION]
    assert len(justice) == 1 and justice[0][5].startswith(f"Jan 1, 2026: {PUBLISHED_PROGRESS}")
    # The due date is a date Excel sorts and filters as one (text sorted "1 Jan 2027" before
    # "30 Jun 2025"), shown as the report writes dates in its language.
    due = next(row[3] for row in workbook["Actions"].iter_rows(min_row=2) if row[1].value == PUBLISHED_ACTION)
    assert due.value == datetime(2026, 12, 31) and due.number_format == "[$-409]mmm d, yyyy"
    assert workbook["About this report"]["B2"].value == "Cluster"
    # No filter: said as the DOCX and the HTML say it, not left out.
    about = {row[0]: row[1] for row in xlsx_rows(response.content, "About this report")}
    assert about["Filters used"] == "none (every current recommendation)"


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
@pytest.mark.parametrize("group_by", GROUPINGS)
def test_the_public_report_shows_published_data_only(
    client: TestClient, world: ReportWorld, fmt: str, group_by: str
) -> None:
    text = report_text(client, PUBLIC, fmt, group_by)
    for planted in NEVER_PUBLIC:
        assert planted not in text, f"{planted} leaked into the public {fmt} report"
    assert "Internal" not in text
    assert PUBLISHED_ACTION in text
    assert PUBLISHED_PROGRESS in text
    assert "An older published update." not in text  # only the latest
    assert "Ministry of Justice" in text
    # The published update's file, with the link anyone may open (not the staff one).
    public_link = f"http://testserver/api/v1/public/evidence/{world.ids['evidence:training-attendance.pdf']}"
    assert f"{PUBLISHED_EVIDENCE} {public_link}" in text
    assert "/api/v1/evidence/" not in text and "/staff/evidence/" not in text


@pytest.mark.parametrize(("path", "stats"), [(PUBLIC, "/api/v1/public/stats"), (STAFF, "/api/v1/stats")])
def test_the_report_lists_the_actions_the_statistics_count(
    client: TestClient, world: ReportWorld, writer: Engine | Connection, path: str, stats: str
) -> None:
    # An implementation plan of a whole cluster: linked to the cluster, not to each recommendation.
    with building(writer) as build:
        build.action(
            "Plan of the justice cluster",
            clusters=[world.ids["cluster:Access to justice"]],
            status="planned",
            published=True,
        )
    counted = client.get(stats).json()["actions"]["total"]
    for group_by in ("cluster", "mechanism"):
        listed = {
            row[1] for row in xlsx_rows(get(client, path, format="xlsx", group_by=group_by), "Actions")[1:]
        }
        assert "Plan of the justice cluster" in listed
        assert len(listed) == counted


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_the_staff_report_has_the_internal_detail_marked(
    client: TestClient, world: ReportWorld, fmt: str
) -> None:
    text = report_text(client, STAFF, fmt)
    for planted in STAFF_ONLY:
        assert planted in text, f"{planted} missing from the staff {fmt} report"
    assert "[internal: not published]" in text
    assert "[Internal: latest update, draft, not published]" in text
    assert PUBLISHED_PROGRESS in text
    # Each shown update's files, with the workspace's link (one a draft's file is only reachable by).
    for name in ("training-attendance.pdf", DRAFT_EVIDENCE):
        assert f"http://testserver/staff/evidence/{world.ids[f'evidence:{name}']}" in text
    assert f"{PUBLISHED_EVIDENCE} http://testserver/staff/evidence/" in text
    # Staff see the newest update of any state, not every one, and never contact details.
    assert "PLANTED-RETURNED-PROGRESS" not in text
    assert "planted-contact@ministry.example" not in text
    assert "planted-author@ministry.example" not in text


def test_staff_xlsx_has_internal_columns(client: TestClient, world: ReportWorld) -> None:
    body = get(client, STAFF, format="xlsx")
    rows = xlsx_rows(body)
    assert rows[0][10:] == ["Priority rationale (internal)", "Internal notes (internal)"]
    first = rows[1]
    assert first[10:] == [RATIONALE, NOTES]
    assert f"• {UNPUBLISHED_ACTION}" in first[9]
    published = next(row for row in xlsx_rows(body, "Actions")[1:] if row[1] == PUBLISHED_ACTION)
    assert DRAFT in published[5] and published[6] == "Published"
    unpublished = next(row for row in xlsx_rows(body, "Actions")[1:] if row[1] == UNPUBLISHED_ACTION)
    assert unpublished[6] == "Not published"
    public = xlsx_rows(get(client, PUBLIC, format="xlsx"))
    assert len(public[0]) == 10
