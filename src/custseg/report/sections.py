"""The report's sections, as data: which tables and columns each needs, which figures it draws.

A section renders when every table it needs is built and has rows. A table that a data set lacks the
inputs for is built empty (Online Retail has no campaign responses): its sections then say "not available
for this data set". A table that has rows but lacks a column the section needs is an error, shown in the
report and reported by the command (the table's shape changed: the report must follow).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from custseg.report import figures
from custseg.report.data import WarehouseTables


@dataclass
class Rendered:
    figures: dict[str, str] = field(default_factory=dict)  # figure key -> base64 PNG
    tables: list[tuple[str, str]] = field(default_factory=list)  # (caption, HTML table)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    requires: dict[str, tuple[str, ...]]  # table -> columns it must have
    figures: tuple[str, ...]  # figure keys drawn when the section is available
    render: Callable[[WarehouseTables], Rendered]


def html_table(df: pd.DataFrame) -> str:
    def fmt(value: object) -> str:
        if isinstance(value, (float, np.floating)):
            return "" if np.isnan(value) else f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
        if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
            return f"{value:,}"
        return "" if value is None or value is pd.NA else str(value)

    formatted = df.astype(object).map(fmt)
    return formatted.to_html(index=False, border=0, classes="data", escape=True)


def _present(df: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    return df[[c for c in wanted if c in df.columns]]


def _overview(wh: WarehouseTables) -> Rendered:
    counts = pd.DataFrame(list(wh.row_counts().items()), columns=["table", "rows"])
    out = Rendered(tables=[("Public tables in this warehouse", html_table(counts))])
    if wh.has("customer_rfm") and "as_of_date" in wh.columns("customer_rfm"):
        as_of = wh.query("select max(as_of_date) as as_of_date from customer_rfm")["as_of_date"].iloc[0]
        out.notes.append(f"Values are computed as of {str(as_of)[:10]}.")
    return out


def _segments(wh: WarehouseTables) -> Rendered:
    profiles = wh.table("segment_profiles")
    if not any(c.startswith("mean_") and profiles[c].notna().any() for c in profiles.columns):
        raise ValueError("segment_profiles has no mean_<feature> column with values to draw the heatmap from")
    summary = _present(profiles.sort_values("segment_id"),
                       ["segment_id", "segment_name", "customers", "share", "revenue_share", "response_rate"])
    return Rendered(
        figures={"segment_sizes": figures.to_png_base64(figures.segment_sizes(profiles)),
                 "segment_profiles": figures.to_png_base64(figures.segment_profile_heatmap(profiles))},
        tables=[("Segments", html_table(summary))])


def _rfm(wh: WarehouseTables) -> Rendered:
    grid = wh.query("select r_score, f_score, count(*) as customers from customer_rfm group by 1, 2")
    by_segment = wh.query(
        "select rfm_segment, count(*) as customers, sum(monetary) as revenue, avg(recency_days) as recency_days "
        "from customer_rfm group by 1 order by customers desc, rfm_segment")
    return Rendered(
        figures={"rfm_grid": figures.to_png_base64(figures.rfm_grid(grid)),
                 "rfm_segments": figures.to_png_base64(figures.rfm_segments(by_segment))},
        tables=[("Customers, net revenue and mean recency (days) by RFM segment", html_table(by_segment))])


def _k_selection(wh: WarehouseTables) -> Rendered:
    curves = wh.table("segment_k_selection").sort_values("k")
    return Rendered(
        figures={"k_selection": figures.to_png_base64(figures.k_selection(curves))},
        tables=[("Criteria by k", html_table(_present(curves, [
            "k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz", "is_chosen"])))])


def _population(wh: WarehouseTables) -> Rendered:
    comparison = wh.table("population_segment_comparison").sort_values("segment_id")
    return Rendered(
        figures={"population_vs_customers": figures.to_png_base64(figures.population_vs_customers(comparison))},
        tables=[("Population and customer shares", html_table(_present(comparison, [
            "segment_id", "segment_name", "population_count", "population_share", "customer_count",
            "customer_share", "representation_ratio", "representation"])))])


def _cv_metrics(wh: WarehouseTables) -> tuple[pd.DataFrame | None, str | None]:
    metrics = wh.table("response_model_metrics")
    if metrics is None or metrics.empty or not {"metric", "cv_mean", "cv_std"} <= set(metrics.columns):
        return None, None
    table = metrics.assign(value=[f"{m:.3f} ± {s:.3f}" for m, s in zip(metrics["cv_mean"], metrics["cv_std"])])
    index = [c for c in ("candidate", "is_chosen") if c in table.columns]
    wide = table.pivot_table(index=index, columns="metric", values="value", aggfunc="first").reset_index()
    chosen = metrics[metrics["is_chosen"].astype(bool)] if "is_chosen" in metrics.columns else metrics
    auc = chosen[chosen["metric"] == "roc_auc"]
    cv_auc = f"{auc['cv_mean'].iloc[0]:.3f} ± {auc['cv_std'].iloc[0]:.3f}" if len(auc) else None
    return wide, cv_auc


def _roc(wh: WarehouseTables) -> Rendered:
    scores = wh.table("response_scores")
    labelled = scores[scores["is_labeled"].astype(bool) & scores["label"].notna()]
    labels = labelled["label"].astype(int).to_numpy()
    if len(np.unique(labels)) < 2:
        raise ValueError("response_scores: the labelled customers do not have both outcomes (0 and 1)")
    wide, cv_auc = _cv_metrics(wh)
    out = Rendered(figures={"roc": figures.to_png_base64(
        figures.roc_curve(labels, labelled["response_probability"].astype(float).to_numpy(), cv_auc))})
    out.notes.append("The curve shows the final model's scores of the customers it was trained on; the honest "
                     "estimate is the cross-validated one in the table.")
    if wide is not None:
        out.tables.append(("Cross-validated metrics (mean ± standard deviation over the folds)", html_table(wide)))
    return out


def _gains(wh: WarehouseTables) -> Rendered:
    gains = wh.table("response_gains").sort_values("decile")
    return Rendered(
        figures={"gains_lift": figures.to_png_base64(figures.gains_and_lift(gains))},
        tables=[("Gains and lift by decile (out-of-fold scores)", html_table(gains))])


def _targets(wh: WarehouseTables) -> Rendered:
    summary = wh.query(
        "select count(*) as customers, min(response_probability) as lowest_probability, "
        "avg(response_probability) as mean_probability, max(response_probability) as highest_probability, "
        "sum(response_probability) as expected_responders from campaign_targets")
    scores = wh.table("response_scores") if wh.has("response_scores") else wh.table("campaign_targets")
    has_segments = wh.has("customer_segments") and {"customer_id", "segment_name"} <= set(wh.columns("customer_segments"))
    if has_segments:
        groups = wh.query(
            "select coalesce(segments.segment_name, 'no segment') as \"group\", count(*) as customers, "
            "avg(targets.response_probability) as mean_probability "
            "from campaign_targets as targets "
            "left join customer_segments as segments on targets.customer_id = segments.customer_id "
            "group by 1 order by customers desc, 1")
    else:
        groups = wh.query("select 'decile ' || response_decile as \"group\", count(*) as customers, "
                          "avg(response_probability) as mean_probability from campaign_targets group by 1 order by 1")
    figure = figures.target_list(scores["response_probability"].astype(float).to_numpy(),
                                 float(summary["lowest_probability"].iloc[0]), groups,
                                 "customer segment" if has_segments else "response decile")
    return Rendered(figures={"target_list": figures.to_png_base64(figure)},
                    tables=[("Target list", html_table(summary)),
                            ("Target list by " + ("customer segment" if has_segments else "response decile"),
                             html_table(groups.rename(columns={"group": "segment" if has_segments else "decile"})))])


def _data_quality(wh: WarehouseTables) -> Rendered:
    source = "source_name, " if "source_name" in wh.columns("rejected_rows") else ""
    reasons = wh.query(f"select {source}entity, reject_reason, count(*) as rows from rejected_rows "
                       f"group by all order by rows desc, entity, reject_reason")
    plotted = reasons.groupby(["entity", "reject_reason"], as_index=False)["rows"].sum()
    return Rendered(figures={"rejected_rows": figures.to_png_base64(figures.rejected_rows(plotted))},
                    tables=[("Rejected raw rows by reason", html_table(reasons))])


SECTIONS: tuple[Section, ...] = (
    Section("overview", "Overview", "The public tables of this build and their row counts.",
            {}, (), _overview),
    Section("segments", "Customer segments",
            "Size of each k-means segment, and the mean of every feature by segment (colour: how far the mean "
            "is from the other segments, in standard deviations).",
            {"segment_profiles": ("segment_id", "segment_name", "customers", "share")},
            ("segment_sizes", "segment_profiles"), _segments),
    Section("rfm", "RFM grid", "Customers by recency score (rows) and frequency score (columns), and by named "
            "RFM segment.",
            {"customer_rfm": ("r_score", "f_score", "rfm_segment", "monetary", "recency_days")},
            ("rfm_grid", "rfm_segments"), _rfm),
    Section("k_selection", "Choice of k", "The usual criteria for each number of segments tried; the dashed line "
            "marks the k the model chose.",
            {"segment_k_selection": ("k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz",
                                     "is_chosen")},
            ("k_selection",), _k_selection),
    Section("population", "Population vs customers", "Share of each segment among the general population and "
            "among customers: segments with a ratio above 1 are over-represented among customers.",
            {"population_segment_comparison": ("segment_id", "segment_name", "population_share", "customer_share",
                                               "representation_ratio")},
            ("population_vs_customers",), _population),
    Section("roc", "Response model: ROC", "How well the response score separates responders from the others.",
            {"response_scores": ("response_probability", "is_labeled", "label")},
            ("roc",), _roc),
    Section("gains", "Response model: gains and lift", "Share of all responders reached when the customers with "
            "the best scores are contacted first, and the lift of each decile.",
            {"response_gains": ("decile", "cumulative_customers_share", "cumulative_gain", "lift",
                                "cumulative_lift")},
            ("gains_lift",), _gains),
    Section("targets", "Target list", "The customers selected for the next campaign: where the list cuts "
            "the scores, and who is on it.",
            {"campaign_targets": ("customer_id", "response_probability", "response_decile")},
            ("target_list",), _targets),
    Section("data_quality", "Data quality", "Raw rows that did not pass the cleaning rules, by reason (nothing is "
            "dropped silently: every one is in rejected_rows with its raw values).",
            {"rejected_rows": ("entity", "reject_reason")},
            ("rejected_rows",), _data_quality),
)
