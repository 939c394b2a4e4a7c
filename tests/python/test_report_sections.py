"""The report on small hand-made warehouses: every section and chart, the figures a marketer reads (computed here
independently), empty and absent tables said in words, broken shapes, and a file that needs no network."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser

import duckdb
import numpy as np
import pandas as pd
import pytest

from custseg.report import AVAILABLE, ERROR, SECTIONS, UNAVAILABLE, build_report
from custseg.report.inspect import read_report
from custseg.report.sections import BUSINESS, TECHNICAL

NAMES = {1: "loyal big spenders", 2: "young families", 3: "lapsed bargain hunters"}
GRID = [("logit", {"C": 0.01}), ("logit", {"C": 1.0}), ("hgb", {"learning_rate": 0.1, "max_leaf_nodes": 7})]


def _tables(seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = 400
    ids = [f"C{i:05d}" for i in range(n)]
    segment = rng.integers(1, 4, n)
    label = rng.integers(0, 2, n)
    prob = np.clip(0.3 * label + rng.random(n) * 0.7, 0, 1)
    decile = (pd.Series(-prob).rank(method="first").to_numpy() - 1) // (n / 10) + 1
    rfm_segment = np.array(["Champions", "At Risk", "Lost", "Promising"])[rng.integers(0, 4, n)]
    recency = np.array([30.0, 120.0, 400.0])[segment - 1] + rng.normal(0, 20, n)
    monetary = np.array([5000.0, 900.0, 120.0])[segment - 1] * rng.uniform(0.8, 1.2, n)
    k = np.arange(2, 9)
    deciles = np.arange(1, 11)
    responders = np.linspace(30, 5, 10).astype(int)
    metrics = pd.DataFrame([
        {"candidate_position": pos, "candidate": family, "params": json.dumps(params), "metric": metric,
         "cv_mean": mean + 0.01 * pos, "cv_std": std, "n_folds": 5, "cv_rows": n, "is_chosen": pos == 2,
         "is_best_in_family": pos >= 2, "selection_metric": "roc_auc"}
        for pos, (family, params) in enumerate(GRID, start=1)
        for metric, mean, std in (("roc_auc", 0.8, 0.02), ("pr_auc", 0.6, 0.03), ("hits_top_20pct", 64.6, 3.4))])
    chosen = metrics["is_chosen"]
    metrics["selection_aware_mean"] = np.where(chosen, metrics["cv_mean"] - 0.015, np.nan)
    metrics["selection_aware_lower"] = np.where(chosen, metrics["cv_mean"] - 0.05, np.nan)
    metrics["selection_aware_upper"] = np.where(chosen, metrics["cv_mean"] + 0.02, np.nan)
    metrics["is_best_cv_mean"] = metrics["candidate_position"] == 3
    order = np.argsort(-prob, kind="mergesort")[:80]
    frame = pd.DataFrame({"customer_id": ids, "segment": segment, "recency": recency, "monetary": monetary})
    profiles = frame.groupby("segment").agg(customers=("customer_id", "count"), mean_recency_days=("recency", "mean"),
                                            mean_monetary=("monetary", "mean"), revenue=("monetary", "sum"))
    profiles = profiles.reset_index().rename(columns={"segment": "segment_id"})
    profiles["segment_name"] = profiles["segment_id"].map(NAMES)
    profiles["share"] = profiles["customers"] / n
    profiles["revenue_share"] = profiles["revenue"] / profiles["revenue"].sum()
    profiles["labeled_customers"] = profiles["customers"]
    profiles["responders"] = [int(label[segment == s].sum()) for s in profiles["segment_id"]]
    profiles["response_rate"] = profiles["responders"] / profiles["labeled_customers"]
    p_alive = np.clip(1 - recency / 800, 0.05, 1)
    expected_purchases = p_alive * 3
    expected_value = expected_purchases * monetary / 10
    by_segment = pd.DataFrame({"segment_id": segment, "p": p_alive, "e": expected_purchases, "v": expected_value})
    clv = by_segment.groupby("segment_id").agg(clv_customers=("p", "size"), mean_p_alive=("p", "mean"),
                                               expected_purchases=("e", "sum"), expected_value=("v", "sum"))
    clv["mean_expected_value"] = clv["expected_value"] / clv["clv_customers"]
    clv["expected_value_share"] = clv["expected_value"] / clv["expected_value"].sum()
    profiles = profiles.merge(clv.reset_index(), on="segment_id")
    return {
        "customer_clv": pd.DataFrame({
            "customer_id": ids, "p_alive": p_alive, "expected_purchases": expected_purchases,
            "expected_order_value": monetary / 10, "expected_value": expected_value, "horizon_days": 365,
            "as_of_date": pd.Timestamp("2026-01-01")}),
        "clv_holdout_validation": pd.DataFrame({
            "customer_group": ["all", "0", "1"], "group_order": [0, 1, 2], "customers": [400, 250, 150],
            "actual_purchases": [600, 200, 400], "predicted_purchases": [560.5, 210.0, 350.5],
            "relative_error": [560.5 / 600 - 1, 0.05, 350.5 / 400 - 1], "correlation": [0.81, 0.5, 0.7],
            "holdout_days": 183, "holdout_start_date": pd.Timestamp("2025-07-02")}),
        "customer_rfm": pd.DataFrame({
            "customer_id": ids, "r_score": rng.integers(1, 6, n), "f_score": rng.integers(1, 6, n),
            "rfm_segment": rfm_segment, "monetary": monetary, "recency_days": recency.round(),
            "as_of_date": pd.Timestamp("2026-01-01")}),
        "customer_features": pd.DataFrame({"customer_id": ids, "recency_days": recency, "monetary": monetary}),
        "customer_segments": pd.DataFrame({
            "customer_id": ids, "segment_id": segment, "segment_name": [NAMES[s] for s in segment],
            "distance_to_centroid": rng.random(n)}),
        "segment_profiles": profiles,
        "segment_k_selection": pd.DataFrame({
            "k": k, "inertia": 1000.0 / k, "silhouette": [0.3, 0.45, 0.5, 0.42, 0.38, 0.35, 0.3],
            "davies_bouldin": [1.2, 0.9, 0.8, 0.95, 1.0, 1.1, 1.2],
            "calinski_harabasz": [300.0, 420.0, 500.0, 450.0, 430.0, 400.0, 380.0], "is_chosen": k == 3}),
        "population_segment_comparison": pd.DataFrame({
            "segment_id": [1, 2, 3], "segment_name": ["rural retirees", "city singles", "suburban parents"],
            "population_count": [1000, 3000, 6000], "population_share": [0.1, 0.3, 0.6],
            "customer_count": [150, 150, 100], "customer_share": [0.375, 0.375, 0.25],
            "representation_ratio": [3.75, 1.25, 0.4167], "representation": ["over", "over", "under"]}),
        "response_scores": pd.DataFrame({
            "customer_id": ids, "response_probability": prob, "response_decile": decile.astype(int),
            "is_labeled": True, "label": label}),
        "response_model_metrics": metrics,
        "response_feature_importance": pd.DataFrame({
            "feature_name": ["recency_days", "monetary"], "importance_mean": [0.05, 0.01],
            "importance_std": [0.004, 0.002], "importance_rank": [1, 2]}),
        "response_gains": pd.DataFrame({
            "decile": deciles, "customers": 40, "responders": responders, "response_rate": responders / 40,
            "cumulative_customers_share": deciles / 10, "cumulative_responders": np.cumsum(responders),
            "cumulative_gain": np.cumsum(responders) / responders.sum(), "lift": np.linspace(2.5, 0.3, 10),
            "cumulative_lift": np.linspace(2.5, 1.0, 10)}),
        "campaign_targets": pd.DataFrame({
            "rank": np.arange(1, 81), "customer_id": [ids[i] for i in order], "response_probability": prob[order],
            "response_decile": decile[order].astype(int)}),
        "source_reconciliation": pd.DataFrame({
            "source_name": "handmade", "entity": ["order_lines", "customers"], "source_file": ["lines.csv", "c.csv"],
            "raw_rows": [1005, 401], "clean_rows": [1000, 400], "rejected_rows": [5, 1], "unaccounted_rows": 0}),
        "rejected_rows": pd.DataFrame({
            "source_name": "handmade", "entity": ["order_lines"] * 5 + ["customers"],
            "reject_reason": ["missing_customer_id"] * 3 + ["exact_duplicate"] * 2 + ["invalid_income"]}),
    }


def _warehouse(path, tables: dict[str, pd.DataFrame]) -> str:
    con = duckdb.connect(str(path))
    for name, df in tables.items():
        con.register("frame", df)
        con.execute(f'create table "{name}" as select * from frame')
        con.unregister("frame")
    con.close()
    return str(path)


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    tables = _tables()
    result = build_report(_warehouse(root / "full.duckdb", tables), "handmade", root / "report.html")
    return tables, result, read_report(result.path)


def _chart_rows(spec: dict) -> int:
    """Rows of data a Vega-Lite spec carries (Altair puts them in top-level ``datasets``)."""
    return sum(len(values) for values in spec.get("datasets", {}).values())


def test_value_section_sums_customer_clv_and_shows_the_holdout_check(full_report):
    tables, _, sections = full_report
    text = sections["clv"].text
    total = tables["customer_clv"]["expected_value"].sum()
    assert f"{total:,.0f}"[:4] in text.replace("\u202f", ",")  # the expected value of every customer, formatted
    assert "next 365 days" in text
    assert "fitted on the orders before 2025-07-02" in text and "-6.6 %" in text  # 560.5 of 600: 6.6 % too few
    for name in NAMES.values():
        assert name in text
    assert "p alive" not in sections["segments"].text  # the predicted value is not a segment trait


def test_model_section_puts_the_selection_aware_estimate_first(full_report):
    tables, _, sections = full_report
    text = sections["model"].text
    assert "The figure to budget on" in text
    chosen = tables["response_model_metrics"].query("is_chosen and metric == 'roc_auc'").iloc[0]
    assert f"{chosen['selection_aware_mean']:.4f}" in text
    assert f"{chosen['selection_aware_lower']:.4f} – {chosen['selection_aware_upper']:.4f}" in text
    assert text.index("The figure to budget on") < text.index("Every candidate")


def test_every_section_draws_every_chart_when_all_tables_have_rows(full_report):
    _, result, sections = full_report
    assert list(sections) == [s.key for s in SECTIONS]
    assert result.errors == []
    for section in SECTIONS:
        view = sections[section.key]
        assert view.status == AVAILABLE, (section.key, view.text)
        assert set(view.charts) == set(section.charts), section.key
        assert view.skipped == {}
        for key, spec in view.charts.items():
            assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), key
            assert _chart_rows(spec) > 0, key
    assert "Not available" not in result.path.read_text()


def test_every_chart_is_a_valid_vega_lite_spec(full_report):
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema import load_schema

    schema = load_schema()
    _, _, sections = full_report
    for view in sections.values():
        for key, spec in view.charts.items():
            validate_jsonschema(spec, schema)  # raises, naming the part of the spec that is wrong


def test_business_sections_come_before_the_technical_ones(full_report):
    _, _, sections = full_report
    parts = [view.part for view in sections.values()]
    assert parts == sorted(parts, key=[BUSINESS, TECHNICAL].index)
    assert {sections[k].part for k in ("k_selection", "model", "data_quality")} == {TECHNICAL}
    assert {sections[k].part for k in ("headline", "segments", "targets")} == {BUSINESS}


def test_headline_figures_are_the_tables_totals(full_report):
    tables, _, sections = full_report
    tiles = sections["headline"].tiles
    profiles, targets, gains = tables["segment_profiles"], tables["campaign_targets"], tables["response_gains"]
    assert tiles["Customers"].startswith(f"Customers {profiles['customers'].sum():,}")
    assert f"{profiles['revenue'].sum() / 1e6:,.2f} M" in tiles["Net revenue"] or \
        f"{profiles['revenue'].sum():,.0f}" in tiles["Net revenue"]
    best = profiles.loc[profiles["revenue_share"].idxmax()]
    assert f"{100 * best['revenue_share']:.1f} %" in tiles["Revenue in the best segment"]
    assert f"Segment {best['segment_id']} · {best['segment_name']}" in tiles["Revenue in the best segment"]
    expected = targets["response_decile"].map(gains.set_index("decile")["response_rate"]).sum()
    assert f"{round(expected):,} of {len(targets)} customers" in tiles["Expected responders of the next mailing"]


def test_one_card_per_segment_with_size_revenue_response_traits_and_action(full_report):
    tables, _, sections = full_report
    profiles = tables["segment_profiles"].sort_values("segment_id")
    cards = sections["segments"].cards
    assert len(cards) == len(profiles)
    for card, (_, row) in zip(cards, profiles.iterrows()):
        assert row["segment_name"] in card
        assert f"{row['customers']:,}" in card and f"{100 * row['share']:.1f} %" in card
        assert f"{100 * row['revenue_share']:.1f} %" in card or f"{100 * row['revenue_share']:.2f} %" in card
        assert f"{100 * row['response_rate']:.1f} %" in card
        assert "What sets it apart" in card and "Suggested action" in card
    lapsed = cards[2]  # planted: by far the longest since the last order and the lowest spend
    assert "▲ higher days since the last order" in lapsed and "▼ lower net spend" in lapsed
    assert "Keep and grow" in cards[0]  # the segment with most of the revenue


def test_every_cv_candidate_is_a_row_with_its_parameters_and_hits_are_whole(full_report):
    tables, _, sections = full_report
    text = sections["model"].text
    for position, (_, params) in enumerate(GRID, start=1):
        assert f"#{position}" in text
        for name, value in params.items():
            assert f"{name.replace('_', ' ')} = {value}" in text
    hits = tables["response_model_metrics"].query("metric == 'hits_top_20pct'")
    for mean in hits["cv_mean"]:
        assert f"{round(mean):,} ± 3" in text
    assert not re.search(r"\d+\.\d+ ± 3\.\d", text)  # no fractional hits
    assert "ROC-AUC" in text and "✓ chosen" in text


def test_an_added_metric_column_is_shown_without_a_code_change(tmp_path):
    tables = _tables()
    tables["response_model_metrics"] = tables["response_model_metrics"].assign(selection_adjusted_mean=0.4321)
    sections = read_report(build_report(_warehouse(tmp_path / "w.duckdb", tables), "x", tmp_path / "r.html").path)
    assert "selection_adjusted_mean" in sections["model"].text and "0.4321" in sections["model"].text


def test_population_segments_are_never_labelled_like_customer_segments(full_report):
    tables, _, sections = full_report
    text = sections["population"].text
    for _, row in tables["population_segment_comparison"].iterrows():
        assert f"Population segment P{row['segment_id']} · {row['segment_name']}" in text
    assert not re.search(r"(?<!Population )Segment \d", text)
    for spec in sections["population"].charts.values():
        labels = {r.get("population_label") for v in spec["datasets"].values() for r in v} - {None}
        assert labels and all(label.startswith("Population segment P") for label in labels)


def test_percentages_are_formatted_not_raw_fractions(full_report):
    _, _, sections = full_report
    for key in ("segments", "gains", "population", "rfm"):
        text = sections[key].text
        assert "%" in text, key
        assert not re.search(r"\b0\.\d{4,}\b", text), (key, re.findall(r"\b0\.\d{4,}\b", text)[:3])


def test_target_list_data_is_campaign_targets_with_segments(full_report):
    tables, _, sections = full_report
    data = sections["targets"].target_data
    assert [c["key"] for c in data["columns"]] == ["rank", "customer_id", "response_probability", "response_decile",
                                                   "segment"]
    got = pd.DataFrame(data["rows"], columns=[c["key"] for c in data["columns"]])
    want = tables["campaign_targets"].merge(tables["customer_segments"], on="customer_id")
    assert got["customer_id"].tolist() == want["customer_id"].tolist()
    assert got["response_probability"].tolist() == want["response_probability"].tolist()
    assert got["segment"].tolist() == [f"Segment {i} · {n}" for i, n in zip(want["segment_id"], want["segment_name"])]


def test_empty_and_absent_tables_say_so_in_words(tmp_path):
    tables = _tables()
    for name in ("response_scores", "response_gains", "campaign_targets", "response_model_metrics"):
        tables[name] = tables[name].iloc[0:0]  # built empty: the data set has no responses
    for name in ("segment_k_selection", "population_segment_comparison"):
        del tables[name]  # not built at all
    db = _warehouse(tmp_path / "partial.duckdb", tables)
    sections = read_report(build_report(db, "partial", tmp_path / "report.html").path)

    for key in ("gains", "targets", "model"):
        assert sections[key].status == UNAVAILABLE
        assert "Not available for this data set" in sections[key].text and "is empty" in sections[key].text
        assert "no campaign responses" in sections[key].text
        assert sections[key].charts == {}
    for key in ("k_selection", "population"):
        assert sections[key].status == UNAVAILABLE
        assert "is not built" in sections[key].text
    for key in ("headline", "segments", "rfm", "data_quality"):
        assert sections[key].status == AVAILABLE
    assert "no campaign responses" in sections["headline"].tiles["Expected responders of the next mailing"]


def test_a_clean_data_set_says_no_row_was_set_aside(tmp_path):
    tables = _tables()
    tables["rejected_rows"] = tables["rejected_rows"].iloc[0:0]
    sections = read_report(build_report(_warehouse(tmp_path / "w.duckdb", tables), "x", tmp_path / "r.html").path)
    assert sections["data_quality"].status == AVAILABLE
    assert "No raw row was set aside" in sections["data_quality"].skipped["rejected_rows"]


def test_a_table_missing_a_column_is_an_error_and_the_command_fails(tmp_path):
    tables = _tables()
    tables["response_gains"] = tables["response_gains"].drop(columns=["cumulative_lift"])
    db = _warehouse(tmp_path / "broken.duckdb", tables)
    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "custseg.report", "--db", db, "--dataset", "broken",
                           "--out", str(out)], capture_output=True, text=True)

    assert proc.returncode == 1
    assert "response_gains has no column cumulative_lift" in proc.stderr
    sections = read_report(out)  # still written, so the error can be seen in place
    assert sections["gains"].status == ERROR
    assert sections["model"].status == AVAILABLE


class _ExternalReferences(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.found.append((tag, value))


def test_the_report_loads_nothing_from_the_network(full_report):
    _, result, _ = full_report
    parser = _ExternalReferences()
    parser.feed(result.path.read_text(encoding="utf-8"))
    assert parser.found == []  # no <script src>, <link href>, <img src>: the Vega libraries are inline
    assert "window.vegaEmbed=" in result.path.read_text(encoding="utf-8")


def test_same_tables_give_the_same_report_bytes(tmp_path):
    db = _warehouse(tmp_path / "full.duckdb", _tables())
    first = build_report(db, "handmade", tmp_path / "a.html").path.read_bytes()
    second = build_report(db, "handmade", tmp_path / "b.html").path.read_bytes()
    assert first == second


def test_a_missing_warehouse_is_named_in_the_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.duckdb"):
        build_report(tmp_path / "nowhere.duckdb", "x", tmp_path / "r.html")
