"""Beer's indices on hand-worked numbers, report validation, and escalation timing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooplan.errors import InputError
from cooplan.io import load_economy
from cooplan.simulation.monitoring import (
    Alert,
    AlertBook,
    AlertLevel,
    ChangeKind,
    EscalationPolicy,
    EventKind,
    MonitorSettings,
    Resolution,
    coop_indices,
    escalate,
    escalation_bodies,
    index_table,
    monitor,
    parse_resolutions,
    raise_alert,
    read_reports,
    resolve,
    triple_index,
    validate_reports,
)
from cooplan.simulation.monitoring.synthetic import InjectedChange, synthetic_reports

FEDERATION = Path(__file__).resolve().parents[2] / "examples" / "federation"


@pytest.fixture(scope="module")
def economy():
    return load_economy(FEDERATION)


# ---- indices -------------------------------------------------------------------------------


def test_triple_index_hand_worked() -> None:
    # actual 72, capability 80, potential 100: productivity 0.9, latency 0.8, performance 0.72
    index = triple_index(72.0, 80.0, 100.0)
    assert index.productivity == pytest.approx(0.9)
    assert index.latency == pytest.approx(0.8)
    assert index.performance == pytest.approx(0.72)
    assert index.missing == ""


def test_triple_index_zero_denominators_are_none_with_reason() -> None:
    index = triple_index(5.0, 0.0, 10.0)
    assert index.productivity is None and index.latency == 0.0 and index.performance == 0.5
    assert "capability is zero" in index.missing
    none = triple_index(0.0, 0.0, 0.0)
    assert none.latency is None and none.performance is None
    with pytest.raises(ValueError):
        triple_index(-1.0, 1.0, 1.0)


@given(
    st.floats(0, 1e6, allow_nan=False),
    st.floats(1e-3, 1e6, allow_nan=False),
    st.floats(1e-3, 1e6, allow_nan=False),
)
def test_performance_is_productivity_times_latency(a: float, c: float, p: float) -> None:
    index = triple_index(a, c, p)
    assert index.productivity is not None and index.latency is not None
    assert index.performance == pytest.approx(index.productivity * index.latency, rel=1e-12)


def test_coop_indices_weight_products_by_labour() -> None:
    # coop k makes a (2 h/unit) and b (10 h/unit):
    # actual 10 a + 1 b = 20 + 10 = 30 h; capability 10 a + 2 b = 20 + 20 = 40 h;
    # potential 20 a + 2 b = 40 + 20 = 60 h → productivity 0.75, latency 2/3, performance 0.5
    reports = pd.DataFrame(
        {
            "coop": ["k", "k"],
            "product": ["a", "b"],
            "period": ["1", "1"],
            "interval": [0, 0],
            "actual": [10.0, 1.0],
            "capability": [10.0, 2.0],
            "potential": [20.0, 2.0],
        }
    )
    table = coop_indices(reports, {("k", "a"): 2.0, ("k", "b"): 10.0})
    row = table.iloc[0]
    assert row["productivity"] == pytest.approx(0.75)
    assert row["latency"] == pytest.approx(2 / 3)
    assert row["performance"] == pytest.approx(0.5)
    per_row = index_table(reports)
    assert per_row["performance"].tolist() == pytest.approx([0.5, 0.5])


# ---- reports -------------------------------------------------------------------------------


def _raw(**override: list) -> pd.DataFrame:
    data = {
        "coop": ["fagor_appliances", "fagor_appliances"],
        "product": ["appliances", "appliances"],
        "period": ["1", "2"],
        "actual": ["90", "95"],
        "capability": ["100", "100"],
        "potential": ["120", "120"],
    }
    data.update(override)
    return pd.DataFrame(data)


def test_reports_order_periods_numerically(economy) -> None:
    raw = _raw(period=["10", "9"])
    table = validate_reports(raw, economy, "r.csv")
    assert table.periods == ("9", "10")
    assert table.table["period"].tolist() == ["9", "10"]
    assert table.labour == {("fagor_appliances", "appliances"): 14.0}


def test_reports_accept_iso_dates(economy) -> None:
    table = validate_reports(_raw(period=["2026-02-01", "2026-01-01"]), economy)
    assert table.periods == ("2026-01-01", "2026-02-01")


@pytest.mark.parametrize(
    ("override", "row", "column", "message"),
    [
        ({"actual": ["90", "-1"]}, 2, "actual", "negative"),
        ({"coop": ["fagor_appliances", "nobody"]}, 2, "coop", "unknown coop"),
        ({"product": ["appliances", "steel"]}, 2, "product", "runs no process"),
        ({"period": ["1", "1"]}, 2, "period", "second report"),
        ({"period": ["1", "soon"]}, 2, "period", "neither a whole number"),
        ({"capability": ["100", "x"]}, 2, "capability", "not a number"),
    ],
)
def test_bad_reports_name_row_column_value(economy, override, row, column, message) -> None:
    with pytest.raises(InputError) as caught:
        validate_reports(_raw(**override), economy, "r.csv")
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("r.csv", row, column)
    assert message in problem.message


def test_missing_column_and_missing_file(economy, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        validate_reports(_raw().drop(columns=["potential"]), economy, "r.csv")
    assert caught.value.problems[0].column == "potential"
    with pytest.raises(InputError):
        read_reports(tmp_path / "absent.csv", economy)


def test_read_reports_from_csv(economy, tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    _raw().to_csv(path, index=False)
    assert read_reports(path, economy).table["actual"].tolist() == [90.0, 95.0]


# ---- escalation state machine ---------------------------------------------------------------


def _alert(raised: int, kind: ChangeKind = ChangeKind.STEP) -> Alert:
    return Alert(
        id=f"c:p:{kind.value}:{raised}",
        coop="c",
        product="p",
        kind=kind,
        raised_at=str(raised),
        raised_interval=raised,
        change_at=str(raised - 1),
        group="g",
        federation="f",
        size=-3.0,
    )


def _run(policy: EscalationPolicy, resolved_at: int | None, until: int = 12) -> AlertBook:
    book = raise_alert(AlertBook(), _alert(3))
    for t in range(3, until):
        if resolved_at == t:
            book = resolve(book, "c", "p", t, str(t))
        book = escalate(book, t, str(t), policy)
    return book


def test_escalation_times_default_policy() -> None:
    book = _run(EscalationPolicy(), resolved_at=None)
    trail = [(e.kind, e.interval, e.level, e.body) for e in book.events]
    assert trail == [
        (EventKind.RAISED, 3, AlertLevel.COOP, "c"),
        (EventKind.ESCALATED, 5, AlertLevel.GROUP, "g"),
        (EventKind.ESCALATED, 8, AlertLevel.FEDERATION, "f"),
    ]
    assert book.alerts[0].level is AlertLevel.FEDERATION and book.alerts[0].is_open


def test_resolved_on_the_deadline_is_not_escalated() -> None:
    book = _run(EscalationPolicy(to_group=2, to_federation=5), resolved_at=5)
    assert [e.kind for e in book.events] == [EventKind.RAISED, EventKind.RESOLVED]
    assert book.alerts[0].resolved_at == "5" and book.alerts[0].level is AlertLevel.COOP


def test_resolved_at_group_level_stops_there() -> None:
    book = _run(EscalationPolicy(to_group=1, to_federation=3), resolved_at=5)
    kinds = [(e.kind, e.level) for e in book.events]
    assert kinds == [
        (EventKind.RAISED, AlertLevel.COOP),
        (EventKind.ESCALATED, AlertLevel.GROUP),
        (EventKind.RESOLVED, AlertLevel.GROUP),
    ]
    assert book.alerts[0].level is AlertLevel.GROUP


def test_same_open_alert_not_raised_twice_and_policy_checked() -> None:
    book = raise_alert(AlertBook(), _alert(3))
    assert raise_alert(book, _alert(4)) is book
    other = raise_alert(book, _alert(4, ChangeKind.OUTLIER))
    assert len(other.alerts) == 2
    assert len(resolve(other, "c", "p", 4, "4", ChangeKind.OUTLIER).open_alerts()) == 1
    with pytest.raises(ValueError):
        EscalationPolicy(to_group=3, to_federation=3)


@given(st.integers(1, 6), st.integers(1, 6), st.one_of(st.none(), st.integers(3, 20)))
def test_escalation_level_follows_waiting_time(to_group: int, extra: int, resolved) -> None:
    policy = EscalationPolicy(to_group, to_group + extra)
    book = _run(policy, resolved_at=resolved, until=30)
    alert = book.alerts[0]
    # resolutions of an interval come before its escalations
    last_escalation = 29 if resolved is None else resolved - 1
    waited = last_escalation - 3
    expected = (
        AlertLevel.FEDERATION
        if waited >= policy.to_federation
        else AlertLevel.GROUP
        if waited >= policy.to_group
        else AlertLevel.COOP
    )
    assert alert.level is expected


# ---- monitoring a stream of reports ---------------------------------------------------------


def test_bodies_follow_groups_to_the_federation(economy) -> None:
    bodies = escalation_bodies(economy)
    assert bodies["fagor_appliances"] == ("industry", "federation")
    assert bodies["kutxa_bank"] == ("finance", "federation")


def test_monitor_finds_injected_changes_and_escalates(economy) -> None:
    changes = [
        InjectedChange("fagor_appliances", "appliances", ChangeKind.STEP, 20, -8),
        InjectedChange("basoa_furniture", "furniture", ChangeKind.OUTLIER, 25, 10),
    ]
    raw = synthetic_reports(economy, 40, seed=7, changes=changes)
    reports = validate_reports(raw, economy)
    result = monitor(
        reports, economy, resolutions=[Resolution("fagor_appliances", "appliances", "24")]
    )
    by_id = {a.id: a for a in result.alerts}
    step = by_id["fagor_appliances:appliances:step:22"]
    assert step.change_at == "21" and step.direction == "down"  # interval 20 is period "21"
    assert step.resolved_at == "24" and step.level is AlertLevel.COOP
    outlier = by_id["basoa_furniture:furniture:outlier:27"]
    assert outlier.resolved_at == "28"  # a transient resolves itself at the next report
    # unresolved alerts are at the federation five intervals after being raised
    for alert in result.alerts:
        if alert.is_open and len(result.periods) - 1 - alert.raised_interval >= 5:
            assert alert.level is AlertLevel.FEDERATION
    assert set(result.coops["coop"]) == set(economy.coops["id"])
    latest = result.latest_coop_indices().set_index("coop")
    assert latest.loc["fagor_appliances", "performance"] < latest.loc["orona_lifts", "performance"]
    again = monitor(
        reports, economy, resolutions=[Resolution("fagor_appliances", "appliances", "24")]
    )
    assert again.alerts == result.alerts and again.events == result.events
    data = result.to_json_dict()
    assert {"periods", "coops", "reports", "alerts", "events", "forecasts"} <= set(data)


def test_monitor_with_custom_settings_and_bad_resolution(economy) -> None:
    raw = synthetic_reports(economy, 15, seed=1)
    reports = validate_reports(raw, economy)
    settings = MonitorSettings(escalation=EscalationPolicy(1, 2), outliers_self_resolve=False)
    assert monitor(reports, economy, settings).periods == tuple(str(i) for i in range(1, 16))
    with pytest.raises(InputError) as caught:
        monitor(reports, economy, resolutions=[Resolution("kutxa_bank", "banking", "99")])
    assert caught.value.problems[0].column == "period"


def test_parse_resolutions() -> None:
    raw = pd.DataFrame(
        {"coop": ["a", "b"], "product": ["x", "y"], "period": ["3", "4"], "kind": ["", "step"]}
    )
    parsed = parse_resolutions(raw, "res.csv")
    assert parsed == [Resolution("a", "x", "3", None), Resolution("b", "y", "4", ChangeKind.STEP)]
    raw.loc[1, "kind"] = "meteor"
    with pytest.raises(InputError) as caught:
        parse_resolutions(raw, "res.csv")
    assert caught.value.problems[0].row == 2


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["raise", "resolve", "tick"]),
            st.sampled_from(["p", "q"]),
            st.sampled_from([ChangeKind.STEP, ChangeKind.OUTLIER, None]),
        ),
        max_size=40,
    )
)
def test_alert_log_is_consistent(operations: list) -> None:
    policy = EscalationPolicy(2, 5)
    book = AlertBook()
    t = 0
    for action, product, kind in operations:
        if action == "tick":
            t += 1
            book = escalate(book, t, str(t), policy)
        elif action == "raise" and kind is not None:
            alert = Alert(
                f"c:{product}:{kind.value}:{t}", "c", product, kind, str(t), t, str(t), "g", "f"
            )
            if all(a.id != alert.id for a in book.alerts):
                book = raise_alert(book, alert)
        else:
            book = resolve(book, "c", product, t, str(t), kind)
    order = [AlertLevel.COOP, AlertLevel.GROUP, AlertLevel.FEDERATION]
    for alert in book.alerts:
        trail = [e for e in book.events if e.alert_id == alert.id]
        assert trail[0].kind is EventKind.RAISED and trail[0].interval == alert.raised_interval
        levels = [e.level for e in trail if e.kind is EventKind.ESCALATED]
        assert [order.index(lv) for lv in levels] == sorted({order.index(lv) for lv in levels})
        resolved = [e for e in trail if e.kind is EventKind.RESOLVED]
        assert len(resolved) <= 1 and (resolved == []) == alert.is_open
        if resolved:
            assert trail[-1] is resolved[0]
        assert [e.interval for e in trail] == sorted(e.interval for e in trail)
    open_keys = [(a.product, a.kind) for a in book.open_alerts()]
    assert len(open_keys) == len(set(open_keys))
