"""Production reports and Cybersyn alerts on the platform: upload, monitoring JSON, dashboard,
rights, bad CSV, superseding reports, the 0004 migration and the demo (SQLite and PostgreSQL).

The alerts expected are those the monitoring engine finds in the sample reports (see
tests/monitoring/test_monitoring_cli.py): a step down at Fagor's appliances from period 19, a
slope change down at Irizar's buses, and an outlier at Basoa's furniture in period 23 that
resolves itself when the series comes back.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from platform_support import FEDERATION, PASSWORD, REPO, Platform, fast_settings
from sqlalchemy import create_engine, inspect, text

from cooplan.services.demo import load_demo
from cooplan.services.monitoring import monitoring_panel
from cooplan.store.db import open_database
from cooplan.store.migrate import current_revision, head_revision, upgrade_database

SAMPLE = REPO / "tests" / "monitoring" / "data" / "federation_reports.csv"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
SAMPLE_ROWS = list(csv.DictReader(io.StringIO(SAMPLE_TEXT)))
HEADER = "coop,product,period,actual,capability,potential\n"
CSV = {"Content-Type": "text/csv"}


def _upload(platform: Platform, who: str, body: str, economy_id: int | None = None) -> Any:
    return platform.client.post(
        f"/api/economies/{economy_id or platform.economy_id}/reports",
        content=body.encode("utf-8"),
        headers={**platform.auth(who), **CSV},
    )


def _monitoring(platform: Platform, who: str = "ane") -> dict[str, Any]:
    response = platform.client.get(
        f"/api/economies/{platform.economy_id}/monitoring", headers=platform.auth(who)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _alerts(body: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    return {(a["coop"], a["product"], a["kind"]): a for a in body["alerts"]}


def _rows(html: str) -> dict[str, str]:
    """The body rows of the tables in ``html`` as plain text, by their first word."""
    rows = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", html, re.S):
        words = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        rows[words.split()[0]] = words
    return rows


def test_upload_gives_the_sample_alerts_and_indices(platform: Platform) -> None:
    assert _monitoring(platform)["report_count"] == 0
    response = _upload(platform, "planner", SAMPLE_TEXT)
    assert response.status_code == 201, response.text
    recorded = response.json()
    assert recorded["rows"] == len(SAMPLE_ROWS) and recorded["superseded"] == 0
    assert recorded["periods"] == [str(p) for p in range(1, 31)]
    body = _monitoring(platform)  # a member may read
    assert body["report_count"] == len(SAMPLE_ROWS)
    alerts = _alerts(body)
    step = alerts[("fagor_appliances", "appliances", "step")]
    assert (step["direction"], step["change_at"], step["resolved_at"]) == ("down", "19", None)
    assert step["level"] == "federation"  # never resolved: escalated past its group
    slope = alerts[("irizar_coaches", "buses", "slope")]
    assert (slope["direction"], slope["resolved_at"], slope["level"]) == (
        "down",
        None,
        "federation",
    )
    outlier = alerts[("basoa_furniture", "furniture", "outlier")]
    assert (outlier["change_at"], outlier["level"]) == ("23", "coop")
    assert outlier["resolved_at"] is not None  # the transient passed
    assert len(body["coops"]) == 15 * 30
    latest = {r["coop"]: r for r in body["coops"] if r["period"] == "30"}
    for row in latest.values():
        assert abs(row["performance"] - row["productivity"] * row["latency"]) < 1e-9
    assert latest["irizar_coaches"]["performance"] < latest["orona_lifts"]["performance"]


def test_dashboard_shows_open_alerts_and_the_triple_index(platform: Platform) -> None:
    client = TestClient(platform.client.app)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    client.post(
        "/login",
        data={"csrf_token": token.group(1), "username": "jon", "password": PASSWORD, "next": "/"},
        follow_redirects=False,
    )
    before = client.get("/").text
    assert "Alerts (Cybersyn)" in before and "No production reports yet" in before
    assert _upload(platform, "admin", SAMPLE_TEXT).status_code == 201
    html = client.get("/").text
    panel = html[html.index('id="cybersyn"') :]
    panel = panel[: panel.index("</section>")]
    open_part, _, rest = panel.partition("<details>")
    resolved_part, _, index_part = rest.partition("</details>")
    open_rows = _rows(open_part)
    assert set(open_rows) >= {"fagor_appliances", "irizar_coaches"}
    assert "basoa_furniture" not in open_rows
    assert open_rows["fagor_appliances"] == (
        "fagor_appliances appliances step ↓ from period 19 federation period 20"
    )
    assert open_rows["irizar_coaches"].startswith("irizar_coaches buses slope change ↓")
    assert _rows(resolved_part)["basoa_furniture"] == (
        "basoa_furniture furniture outlier ↑ period 24 period 25"
    )
    assert "triple index" in index_part
    index_rows = _rows(index_part)
    assert len(index_rows) == 15
    assert index_rows["fagor_appliances"].split()[1:] == ["0.78", "0.90", "0.70"]
    assert 'name="viewport"' in html  # phone layout as on every page


def test_rights_to_upload_and_read(platform: Platform) -> None:
    url = f"/api/economies/{platform.economy_id}"
    for member in ("ane", "miren", "iker"):
        assert _upload(platform, member, SAMPLE_TEXT).status_code == 403
    anonymous = platform.client.post(f"{url}/reports", content=SAMPLE_TEXT, headers=CSV)
    assert anonymous.status_code == 401
    assert platform.client.get(f"{url}/monitoring").status_code == 401
    assert _monitoring(platform, "planner")["report_count"] == 0  # nothing was stored
    assert _upload(platform, "planner", SAMPLE_TEXT, economy_id=999).status_code == 404
    missing = platform.client.get("/api/economies/999/monitoring", headers=platform.auth("ane"))
    assert missing.status_code == 404


def test_bad_csv_is_refused_naming_row_column_and_value(platform: Platform) -> None:
    bad = HEADER + "fagor_appliances,appliances,1,10,12,20\nfagor_appliances,appliances,2,10,x,20\n"
    response = _upload(platform, "planner", bad)
    assert response.status_code == 422, response.text
    problem = response.json()["problems"][0]
    assert (problem["row"], problem["column"], problem["value"]) == (2, "capability", "x")
    unknown = _upload(platform, "planner", HEADER + "nobody,appliances,1,10,12,20\n")
    assert unknown.status_code == 422
    assert {(p["row"], p["column"], p["value"]) for p in unknown.json()["problems"]} == {
        (1, "coop", "nobody")
    }
    wrong_product = _upload(platform, "planner", HEADER + "fagor_appliances,buses,1,10,12,20\n")
    assert wrong_product.json()["problems"][0]["column"] == "product"
    missing_column = _upload(platform, "planner", "coop,product,period\nfagor_appliances,a,1\n")
    assert missing_column.status_code == 422
    assert _upload(platform, "planner", "").status_code == 422
    long_period = _upload(
        platform, "planner", HEADER + f"fagor_appliances,appliances,{'1' * 40},1,2,3\n"
    )
    assert long_period.status_code == 422
    assert long_period.json()["problems"][0]["column"] == "period"
    no_file = platform.client.post(
        f"/api/economies/{platform.economy_id}/reports",
        files={"other": ("x.csv", SAMPLE_TEXT.encode(), "text/csv")},
        headers=platform.auth("planner"),
    )
    assert no_file.status_code == 422 and no_file.json()["problems"][0]["column"] == "file"
    not_utf8 = platform.client.post(
        f"/api/economies/{platform.economy_id}/reports",
        content=b"coop\xff\n",
        headers={**platform.auth("planner"), **CSV},
    )
    assert not_utf8.status_code == 422
    assert _monitoring(platform)["report_count"] == 0  # nothing half-written
    assert _upload(platform, "planner", SAMPLE_TEXT).status_code == 201
    dated = _upload(platform, "planner", HEADER + "fagor_appliances,appliances,2026-01-05,1,2,3\n")
    assert dated.status_code == 422  # dates after numbered periods make no single clock
    assert "mix" in dated.text
    assert _monitoring(platform)["report_count"] == len(SAMPLE_ROWS)


def test_a_later_report_supersedes_the_earlier_and_both_are_kept(platform: Platform) -> None:
    assert _upload(platform, "planner", SAMPLE_TEXT).status_code == 201
    original = next(r for r in SAMPLE_ROWS if r["coop"] == "orona_lifts" and r["period"] == "30")
    correction = HEADER + f"orona_lifts,{original['product']},30,1,{original['capability']},"
    correction += f"{original['potential']}\n"
    response = platform.client.post(
        f"/api/economies/{platform.economy_id}/reports",
        files={"file": ("correction.csv", correction.encode(), "text/csv")},
        headers=platform.auth("planner"),
    )
    assert response.status_code == 201, response.text
    assert (response.json()["rows"], response.json()["superseded"]) == (1, 1)
    body = _monitoring(platform)
    assert body["report_count"] == len(SAMPLE_ROWS)
    row = next(r for r in body["reports"] if r["coop"] == "orona_lifts" and r["period"] == "30")
    assert row["actual"] == 1.0
    latest = next(r for r in body["coops"] if r["coop"] == "orona_lifts" and r["period"] == "30")
    assert latest["productivity"] < 0.01  # the corrected report is the one monitored
    engine = create_engine(platform.url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM production_reports")).scalar_one()
    finally:
        engine.dispose()
    assert stored == len(SAMPLE_ROWS) + 1


def test_openapi_names_the_operations(platform: Platform) -> None:
    schema = platform.client.get("/openapi.json").json()
    ops = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"record_production_reports", "read_monitoring"} <= ops


def test_0004_adds_production_reports_keeping_data(database_url: str) -> None:
    upgrade_database(database_url, "0003")
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            assert "production_reports" not in inspect(conn).get_table_names()
            conn.execute(
                text(
                    "INSERT INTO economies (id, name, source, digest, files, summary, "
                    "imported_at) VALUES (1, 'E', '', 'd', '{}', '{}', CURRENT_TIMESTAMP)"
                )
            )
        upgrade_database(database_url)
        assert current_revision(database_url) == head_revision() == "0004"
        with engine.begin() as conn:
            assert conn.execute(text("SELECT name FROM economies")).scalar_one() == "E"
            conn.execute(
                text(
                    "INSERT INTO production_reports (economy_id, coop, product, period, actual, "
                    "capability, potential, uploaded_at) VALUES "
                    "(1, 'c', 'p', '1', 1.0, 2.0, 3.0, CURRENT_TIMESTAMP)"
                )
            )
            assert conn.execute(text("SELECT count(*) FROM production_reports")).scalar_one() == 1
    finally:
        engine.dispose()


def test_demo_loads_the_sample_reports(tmp_path: Path) -> None:
    demo = FEDERATION / "reports.csv"
    assert demo.read_text(encoding="utf-8") == SAMPLE_TEXT
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    settings = fast_settings()
    upgrade_database(url)
    db = open_database(url)
    try:
        load_demo(db, settings, FEDERATION)
        with db.session(write=False) as session:
            panel = monitoring_panel(session)
    finally:
        db.dispose()
    assert panel is not None
    open_alerts = {(a.coop, a.kind.value) for a in panel.open_alerts}
    assert {("fagor_appliances", "step"), ("irizar_coaches", "slope")} <= open_alerts
    assert len(panel.indices) == 15
