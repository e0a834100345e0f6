"""EDN reading, council-file loading and writing, and their error messages."""

from __future__ import annotations

import numpy as np
import pytest

from cooplan.errors import InputError
from cooplan.planning.participatory import generate_economy, load_pequod, write_pequod
from cooplan.planning.participatory.edn import EdnList, Keyword, Symbol, read_all
from cooplan.planning.participatory.generator import EconomyScale
from cooplan.planning.participatory.loader import economy_from_forms

CC = (
    "{:income 5000, :utility-exponents [0.03 0.04], :public-good-exponents [0.02 0.05],"
    " :effort 1, :num-workers 10, :cy 1, :final-demands [0 0 0 0 0], :public-good-demands [0]}"
)
WC = (
    "{:s 1, :du 3.5, :c 0.07, :a 5.0, :labor-exponents [0.2], :nature-exponents [0.2],"
    " :input-exponents [0.2], :production-inputs [[2] [1] [2]], :product 1, :industry {ind},"
    " :effort 0.5, :output 0, :labor-quantities [0], :toothache false}"
)


def _wc(industry: int) -> str:
    return WC.replace("{ind}", str(industry))


def _text(wcs: str = "", ccs: str = CC) -> str:
    wcs = wcs or " ".join(_wc(i) for i in (2, 1, 0))
    return f"(ns pequod-cljs.tiny)\n(def wcs [{wcs}])\n(def ccs [{ccs}])\n"


def test_edn_values():
    forms = read_all('(def x [1 -2 3.5 1e3 :k sym true false nil "a\\"b" #{1} {:a 1}]) ; note')
    [form] = forms
    assert isinstance(form, EdnList) and form[0] == Symbol("def")
    assert form[2] == [
        1,
        -2,
        3.5,
        1000.0,
        Keyword("k"),
        Symbol("sym"),
        True,
        False,
        None,
        'a"b',
        frozenset({1}),
        {Keyword("a"): 1},
    ]
    assert read_all("0.1 0.30000000000000004") == [0.1, 0.30000000000000004]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[1 2", "never closed"),
        ("[1 2)", "closed by"),
        ("{:a}", "even number"),
        ("{:a 1 :a 2}", "repeated key"),
        ("]", "unexpected"),
        ('"abc', "string"),
        ("1.2.3", "malformed number"),
        ("#inst 1", "not supported"),
    ],
)
def test_edn_errors_name_the_place(text, fragment):
    with pytest.raises(InputError) as caught:
        read_all(f"\n  {text}", "bad.edn")
    problem = caught.value.problems[0]
    assert fragment in problem.message and problem.file == "bad.edn" and problem.row == 2


def test_key_order_and_form_order_do_not_matter():
    economy = economy_from_forms(read_all(_text()), "tiny.clj")
    assert economy.workers.count == 3 and economy.consumers.count == 1
    assert economy.goods_per_category == 2
    # intermediate 2, nature 1, labour 2 → global 2·1+1, 2·2+0, 2·3+1
    assert economy.workers.input_commodity[:3].tolist() == [3, 4, 7]
    np.testing.assert_array_equal(economy.workers.output_commodity, [8, 2, 0])


@pytest.mark.parametrize(
    ("change", "column", "fragment"),
    [
        ((":product 1", ":product 3"), "wcs :product", "1..2"),
        ((":industry 1", ":industry 5"), "wcs :industry", "0, 1 or 2"),
        (
            (":input-exponents [0.2]", ":input-exponents [0.2 0.1]"),
            "wcs :input-exponents",
            "exponents for 1 input ids",
        ),
        (
            (":input-exponents [0.2]", ":input-exponents [0.7]"),
            "wcs :input-exponents",
            "no finite best proposal",
        ),
        ((":du 3.5", ":du -1"), "wcs :du", "k is not above zero"),
        (
            (":production-inputs [[2] [1] [2]]", ":production-inputs [[3] [1] [2]]"),
            "wcs :production-inputs",
            "ascending",
        ),
        ((":a 5.0, ", ""), "wcs :a", "missing key"),
    ],
)
def test_bad_worker_council_is_located(change, column, fragment):
    wcs = " ".join([_wc(2), _wc(1).replace(*change), _wc(0)])
    with pytest.raises(InputError) as caught:
        economy_from_forms(read_all(_text(wcs)), "tiny.clj")
    [problem] = [p for p in caught.value.problems if p.column == column]
    assert problem.row == 2 and fragment in problem.message and problem.file == "tiny.clj"


def test_bad_consumer_council_and_missing_definition():
    with pytest.raises(InputError) as caught:
        economy_from_forms(read_all(_text(ccs=CC.replace("0.04]", "-0.04]"))), "t.clj")
    assert caught.value.problems[0].column == "ccs :utility-exponents"
    with pytest.raises(InputError, match="no \\(def ccs"):
        economy_from_forms(read_all("(def wcs [])"), "t.clj")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_pequod(tmp_path / "absent.clj")
    broken = tmp_path / "broken.clj.gz"
    broken.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(InputError, match="cannot read"):
        load_pequod(broken)


@pytest.mark.parametrize("suffix", [".clj", ".clj.gz"])
def test_write_then_load_round_trips_bit_for_bit(tmp_path, suffix):
    economy = generate_economy(EconomyScale(30, 15, 5, 0.025, 0.05), seed=4, name="trip")
    path = write_pequod(economy, tmp_path / f"trip{suffix}")
    again = load_pequod(path)
    assert again.name == "trip"
    for attribute in (
        "industry",
        "product",
        "tfp",
        "effort_exponent",
        "disutility_exponent",
        "disutility_coefficient",
        "input_offsets",
        "input_commodity",
        "input_exponent",
    ):
        assert (
            getattr(again.workers, attribute).tobytes()
            == getattr(economy.workers, attribute).tobytes()
        )
    for attribute in ("income", "utility_exponents", "public_good_exponents"):
        assert (
            getattr(again.consumers, attribute).tobytes()
            == getattr(economy.consumers, attribute).tobytes()
        )
    assert not list(tmp_path.glob(".*tmp*"))


def test_recovered_draws_are_checked_against_the_economy(tmp_path, small_economy):
    import json

    from cooplan.planning.participatory import load_recovered_year2, run_participatory

    counts = small_economy.workers.input_counts.tolist()
    run = {
        "wc_exponent_draws_milli": [[1] * n for n in counts],
        "cc_private_K": [100.0] * 5,
        "cc_public_K": [100.0] * 5,
    }
    path = tmp_path / "draws.json"
    path.write_text(json.dumps({"experiments": {"small": run}}))
    draws = load_recovered_year2(path, "small", small_economy)
    result = run_participatory(small_economy, years=2, year2_draws=draws)
    assert result.seed is None and len(result.years) == 2
    with pytest.raises(InputError, match="no experiment"):
        load_recovered_year2(path, "other", small_economy)
    run["wc_exponent_draws_milli"][3] = [1] * (counts[3] + 1)
    path.write_text(json.dumps({"experiments": {"small": run}}))
    with pytest.raises(InputError, match="WC 4"):
        load_recovered_year2(path, "small", small_economy)
    with pytest.raises(ValueError, match="per-council consumers"):
        run_participatory(small_economy, years=3, year2_draws=draws)
