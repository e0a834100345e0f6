"""Federation rules: defaults, validation with located errors, template and docs table."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from cooplan.errors import InputError
from cooplan.institutions.rules import (
    PARAMETERS,
    FederationRules,
    default_rules,
    load_rules,
    parse_rules,
    rules_markdown_table,
    rules_toml_template,
)


def test_every_parameter_is_a_field_and_has_a_source() -> None:
    assert {f.name for f in fields(FederationRules)} == {p.attribute for p in PARAMETERS}
    for p in PARAMETERS:
        assert p.meaning and p.source, p.key


def test_defaults_match_the_domain_brief() -> None:
    rules = load_rules(None)
    # institutions.md: cap 1:6 (1988), reserve ≥ 20 %, benefit ~80 %, 2 years, age 55,
    # EUR 35 million buffer (2013), +1.5 points surcharge, 650 delegates, committee of 21.
    assert rules.pay_ratio_cap == 6.0
    assert rules.surplus_mandatory_reserve == 0.20
    assert rules.employment_aid_benefit_rate == 0.80
    assert rules.employment_aid_max_months == 24
    assert rules.early_retirement_age == 55
    assert rules.employment_aid_buffer == 35_000_000.0
    assert rules.employment_aid_crisis_surcharge == 0.015
    assert rules.congress_delegates == 650
    assert rules.congress_standing_committee == 21
    assert rules.capital_interest_rate == 0.075
    assert rules.member_returns_share == pytest.approx(0.6)


def test_template_round_trips_to_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "federation.toml"
    path.write_text(rules_toml_template(), encoding="utf-8")
    assert load_rules(path) == default_rules()


def test_a_partial_file_overrides_only_its_keys(tmp_path: Path) -> None:
    path = tmp_path / "federation.toml"
    path.write_text("[pay]\nratio_cap = 3\n[employment_aid]\ncrisis = true\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.pay_ratio_cap == 3.0
    assert rules.employment_aid_rate == pytest.approx(0.01 + 0.015)
    assert rules.surplus_mandatory_reserve == 0.20


def test_errors_name_the_key_value_and_fix() -> None:
    with pytest.raises(InputError) as caught:
        parse_rules(
            {
                "pay": {"ratio_capp": 5, "base_advance_per_year": "lots"},
                "surplus": {"mandatory_reserve": 1.5},
                "employment_aid": {"crisis": 1},
            },
            "fed.toml",
        )
    problems = {p.column: p for p in caught.value.problems}
    assert set(problems) == {
        "pay.ratio_capp",
        "pay.base_advance_per_year",
        "surplus.mandatory_reserve",
        "employment_aid.crisis",
    }
    assert "pay.ratio_cap" in problems["pay.ratio_capp"].fix
    assert problems["surplus.mandatory_reserve"].value == 1.5
    assert "at most 1" in problems["surplus.mandatory_reserve"].fix
    assert all(p.file == "fed.toml" and p.row is None for p in problems.values())


def test_shares_above_one_are_refused() -> None:
    with pytest.raises(InputError, match="exceed 1"):
        parse_rules(
            {"surplus": {"mandatory_reserve": 0.6, "education_fund": 0.3, "central_fund": 0.2}}
        )


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[pay\nratio_cap = 3", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_rules(bad)
    with pytest.raises(InputError, match="not found"):
        load_rules(tmp_path / "absent.toml")


def test_whole_numbers_and_choices() -> None:
    with pytest.raises(InputError, match="whole number"):
        parse_rules({"early_retirement": {"age": 55.5}})
    with pytest.raises(InputError, match="allowed values"):
        parse_rules({"votes": {"plan_method": "dictator"}})
    assert parse_rules({"early_retirement": {"age": 60.0}}).early_retirement_age == 60


def test_markdown_table_lists_every_parameter() -> None:
    table = rules_markdown_table()
    for p in PARAMETERS:
        assert f"`{p.key}`" in table
    assert table.count("\n") == len(PARAMETERS) + 2


def test_with_values_validates() -> None:
    rules = default_rules().with_values({"surplus.group_pooling": 0.4})
    assert rules.surplus_group_pooling == 0.4
    with pytest.raises(InputError):
        default_rules().with_values({"surplus.group_pooling": -1})


def test_docs_table_is_generated_from_the_rules() -> None:
    doc = Path(__file__).resolve().parents[2] / "docs" / "institutions.md"
    text = doc.read_text(encoding="utf-8")
    start = text.index("<!-- rules-table:start -->\n") + len("<!-- rules-table:start -->\n")
    end = text.index("<!-- rules-table:end -->")
    assert text[start:end] == rules_markdown_table()
