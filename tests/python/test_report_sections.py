"""The report on small hand-made warehouses: every section and figure, empty and absent tables, broken shapes."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest

from custseg.report import AVAILABLE, ERROR, SECTIONS, UNAVAILABLE, build_report
from custseg.report.inspect import PNG_SIGNATURE, read_report

MIN_PNG_BYTES = 5_000  # a blank 100-dpi figure is a few hundred bytes; a drawn one is tens of kB


def _tables(seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    n = 400
    ids = [f"C{i:05d}" for i in range(n)]
    segment = rng.integers(0, 3, n)
    names = {0: "loyal big spenders", 1: "young families", 2: "lapsed bargain hunters"}
    label = rng.integers(0, 2, n)
    prob = np.clip(0.3 * label + rng.random(n) * 0.7, 0, 1)
    decile = (pd.Series(-prob).rank(method="first").to_numpy() - 1) // (n / 10) + 1
    rfm_segment = np.array(["Champions", "At Risk", "Lost", "Promising"])[rng.integers(0, 4, n)]
    k = np.arange(2, 9)
    deciles = np.arange(1, 11)
    gain = np.linspace(0.25, 1.0, 10)
    return {
        "customer_rfm": pd.DataFrame({
            "customer_id": ids, "r_score": rng.integers(1, 6, n), "f_score": rng.integers(1, 6, n),
            "rfm_segment": rfm_segment, "monetary": rng.gamma(2, 300, n), "recency_days": rng.integers(1, 700, n),
            "as_of_date": pd.Timestamp("2026-01-01")}),
        "customer_segments": pd.DataFrame({
            "customer_id": ids, "segment_id": segment, "segment_name": [names[s] for s in segment],
            "distance_to_centroid": rng.random(n)}),
        "segment_profiles": pd.DataFrame({
            "segment_id": [0, 1, 2], "segment_name": list(names.values()),
            "customers": [int((segment == s).sum()) for s in range(3)],
            "share": [float((segment == s).mean()) for s in range(3)],
            "mean_recency_days": [30.0, 120.0, 400.0], "mean_frequency": [12.0, 4.0, 1.5],
            "mean_monetary": [5000.0, 900.0, 120.0], "mean_income": [80000.0, 45000.0, 30000.0],
            "revenue_share": [0.7, 0.25, 0.05], "response_rate": [0.4, 0.2, 0.05]}),
        "segment_k_selection": pd.DataFrame({
            "k": k, "inertia": 1000.0 / k, "silhouette": [0.3, 0.45, 0.5, 0.42, 0.38, 0.35, 0.3],
            "davies_bouldin": [1.2, 0.9, 0.8, 0.95, 1.0, 1.1, 1.2],
            "calinski_harabasz": [300.0, 420.0, 500.0, 450.0, 430.0, 400.0, 380.0], "is_chosen": k == 4}),
        "population_segment_comparison": pd.DataFrame({
            "segment_id": [0, 1, 2], "segment_name": list(names.values()),
            "population_count": [1000, 3000, 6000], "population_share": [0.1, 0.3, 0.6],
            "customer_count": [150, 150, 100], "customer_share": [0.375, 0.375, 0.25],
            "representation_ratio": [3.75, 1.25, 0.4167], "representation": ["over", "over", "under"]}),
        "response_scores": pd.DataFrame({
            "customer_id": ids, "response_probability": prob, "response_decile": decile.astype(int),
            "is_labeled": True, "label": label}),
        "response_model_metrics": pd.DataFrame({
            "candidate": ["logit"] * 2 + ["hgb"] * 2, "metric": ["roc_auc", "pr_auc"] * 2,
            "cv_mean": [0.8, 0.6, 0.78, 0.58], "cv_std": [0.02, 0.03, 0.02, 0.04],
            "n_folds": 5, "is_chosen": [True, True, False, False]}),
        "response_gains": pd.DataFrame({
            "decile": deciles, "customers": 40, "responders": np.linspace(30, 5, 10).astype(int),
            "response_rate": np.linspace(0.75, 0.12, 10), "cumulative_customers_share": deciles / 10,
            "cumulative_responders": np.cumsum(np.linspace(30, 5, 10).astype(int)), "cumulative_gain": gain,
            "lift": np.linspace(2.5, 0.3, 10), "cumulative_lift": gain / (deciles / 10)}),
        "campaign_targets": pd.DataFrame({
            "rank": np.arange(1, 81), "customer_id": ids[:80], "response_probability": np.sort(prob)[::-1][:80],
            "response_decile": np.repeat([1, 2], 40)}),
        "rejected_rows": pd.DataFrame({
            "source_name": "sample", "entity": ["order_lines"] * 5 + ["customers"],
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


def test_every_section_draws_every_figure_when_all_tables_have_rows(tmp_path):
    db = _warehouse(tmp_path / "full.duckdb", _tables())
    result = build_report(db, "handmade", tmp_path / "report.html")
    sections = read_report(result.path)

    assert list(sections) == [s.key for s in SECTIONS]
    for section in SECTIONS:
        view = sections[section.key]
        assert view.status == AVAILABLE, (section.key, view.text)
        assert set(view.figures) == set(section.figures)
        for key, png in view.figures.items():
            assert png.startswith(PNG_SIGNATURE), key
            assert len(png) > MIN_PNG_BYTES, (key, len(png))
    assert result.errors == []
    assert "loyal big spenders" in sections["segments"].text
    assert "Not available" not in result.path.read_text()


def test_empty_and_absent_tables_say_not_available_for_this_data_set(tmp_path):
    tables = _tables()
    for name in ("response_scores", "response_gains", "campaign_targets"):
        tables[name] = tables[name].iloc[0:0]  # built empty: the data set has no responses
    for name in ("segment_profiles", "segment_k_selection", "population_segment_comparison"):
        del tables[name]  # not built at all
    db = _warehouse(tmp_path / "partial.duckdb", tables)
    sections = read_report(build_report(db, "partial", tmp_path / "report.html").path)

    for key in ("roc", "gains", "targets"):
        assert sections[key].status == UNAVAILABLE
        assert "Not available for this data set" in sections[key].text and "is empty" in sections[key].text
        assert sections[key].figures == {}
    for key in ("segments", "k_selection", "population"):
        assert sections[key].status == UNAVAILABLE
        assert "is not built" in sections[key].text
    for key in ("overview", "rfm", "data_quality"):
        assert sections[key].status == AVAILABLE


def test_a_table_missing_a_column_is_an_error_and_the_command_fails(tmp_path):
    tables = _tables()
    tables["response_gains"] = tables["response_gains"].drop(columns=["cumulative_lift"])
    db = _warehouse(tmp_path / "broken.duckdb", tables)
    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "custseg.report", "--db", db, "--dataset", "broken",
                           "--out", str(out)], capture_output=True, text=True)

    assert proc.returncode == 1
    assert "response_gains has no column cumulative_lift" in proc.stderr.replace("`", "")
    sections = read_report(out)  # still written, so the error can be seen in place
    assert sections["gains"].status == ERROR
    assert sections["roc"].status == AVAILABLE


def test_same_tables_give_the_same_report_bytes(tmp_path):
    db = _warehouse(tmp_path / "full.duckdb", _tables())
    first = build_report(db, "handmade", tmp_path / "a.html").path.read_bytes()
    second = build_report(db, "handmade", tmp_path / "b.html").path.read_bytes()
    assert first == second


def test_a_missing_warehouse_is_named_in_the_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.duckdb"):
        build_report(tmp_path / "nowhere.duckdb", "x", tmp_path / "r.html")
