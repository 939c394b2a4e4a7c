"""The report's sections, as data: which tables and columns each needs, which charts it draws, and in which part
(the business sections first, then the technical ones).

A section renders when every table it needs is built and has rows. A table that a data set lacks the inputs for
is built empty (Online Retail has no campaign responses): its sections then say so in words. A table that has
rows but lacks a column the section needs is an error, shown in the report and reported by the command (the
table's shape changed: the report must follow).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from custseg.report import charts
from custseg.report import formatting as fmt
from custseg.report.data import WarehouseTables
from custseg.report.segments import (SegmentCard, feature_columns, population_label,
                                     profile_long, segment_cards, segment_label)

BUSINESS, TECHNICAL = "business", "technical"


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    detail: str = ""


@dataclass
class Rendered:
    charts: dict[str, dict] = field(default_factory=dict)  # chart key -> Vega-Lite spec
    skipped: dict[str, str] = field(default_factory=dict)  # chart key -> why it is not drawn, in words
    tiles: list[Tile] = field(default_factory=list)
    cards: list[SegmentCard] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)  # (caption, HTML table)
    notes: list[str] = field(default_factory=list)
    target_table: dict | None = None  # the target list's columns and rows, for the page's table and CSV


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: str
    part: str
    requires: dict[str, tuple[str, ...]]  # table -> columns it must have
    charts: tuple[str, ...]  # chart keys drawn (or skipped with a reason) when the section is available
    render: Callable[[WarehouseTables, str], Rendered]  # (tables, currency sign) -> content


def html_table(df: pd.DataFrame, numeric: tuple[str, ...] = (), wide: tuple[str, ...] = ()) -> str:
    """A table of values already written for people; the columns in ``numeric`` are right-aligned, those in
    ``wide`` (long text) get room before they wrap."""
    classes = {c: "num" if c in numeric else "wide" if c in wide else "" for c in df.columns}
    head = "".join(f'<th class="{classes[c]}">{_escape(c)}</th>' for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f'<td class="{classes[c]}">{_escape(v)}</td>' for c, v in zip(df.columns, row)) + "</tr>"
        for row in df.astype(object).itertuples(index=False))
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _escape(value: object) -> str:
    text = "" if fmt.is_missing(value) else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _rows(wh: WarehouseTables, table: str) -> int:
    if not wh.has(table):
        return 0
    return int(wh.query(f'select count(*) as n from "{table}"')["n"].iloc[0])


def _profiles(wh: WarehouseTables) -> pd.DataFrame:
    profiles = wh.table("segment_profiles").sort_values("segment_id").reset_index(drop=True)
    return profiles.assign(segment_label=[segment_label(i, n) for i, n in
                                          zip(profiles["segment_id"], profiles["segment_name"])])


def expected_responders(wh: WarehouseTables) -> tuple[float, int, str]:
    """Expected responders of the target list: each target counts its score decile's out-of-fold response rate
    (``response_gains``), which is what such customers did answer; the raw scores of a class-weighted model
    overstate it. Falls back to the sum of the scores when there are no gains."""
    targets = int(wh.query("select count(*) as n from campaign_targets")["n"].iloc[0])
    if _rows(wh, "response_gains"):
        expected = wh.query(
            "select sum(gains.response_rate) as expected from campaign_targets as targets "
            "join response_gains as gains on targets.response_decile = gains.decile")["expected"].iloc[0]
        return float(expected or 0.0), targets, "the observed response rate of each target's score decile"
    expected = wh.query("select sum(response_probability) as expected from campaign_targets")["expected"].iloc[0]
    return float(expected), targets, "the sum of the targets' scores"


def _headline(wh: WarehouseTables, currency: str) -> Rendered:
    out = Rendered()
    customers, revenue, best = _rows(wh, "customers"), None, None
    if _rows(wh, "segment_profiles"):
        profiles = _profiles(wh)
        customers = profiles["customers"].sum()
        if "revenue" in profiles and profiles["revenue"].notna().any():
            revenue = profiles["revenue"].sum()
        if "revenue_share" in profiles and profiles["revenue_share"].notna().any():
            best = profiles.loc[profiles["revenue_share"].idxmax()]
    elif _rows(wh, "customer_rfm"):
        totals = wh.query("select count(*) as customers, sum(monetary) as revenue from customer_rfm")
        customers, revenue = totals["customers"].iloc[0], totals["revenue"].iloc[0]
    out.tiles.append(Tile("Customers", fmt.count(customers)))
    if revenue is None:
        out.tiles.append(Tile("Net revenue", "–", "not available for this data set: it has no order lines"))
    else:
        out.tiles.append(Tile("Net revenue", fmt.money(revenue, currency), "purchases minus returns"))
    if best is None:
        out.tiles.append(Tile("Revenue in the best segment", "–",
                              "not available for this data set: no revenue by segment"))
    else:
        out.tiles.append(Tile("Revenue in the best segment", fmt.pct(best["revenue_share"]), best["segment_label"]))
    if _rows(wh, "campaign_targets"):
        expected, targets, how = expected_responders(wh)
        out.tiles.append(Tile("Expected responders of the next mailing", fmt.count(expected),
                              f"of {targets:,} customers on the target list ({fmt.pct(expected / targets)})"))
        out.notes.append(f"Expected responders: {how}, summed over the target list.")
    else:
        out.tiles.append(Tile("Expected responders of the next mailing", "–",
                              "not available for this data set: it has no campaign responses to learn from"))
    if wh.has("customer_rfm") and "as_of_date" in wh.columns("customer_rfm") and _rows(wh, "customer_rfm"):
        as_of = wh.query("select max(as_of_date) as as_of_date from customer_rfm")["as_of_date"].iloc[0]
        out.notes.append(f"Figures as of {str(as_of)[:10]}; amounts in the source currency"
                         f"{' (' + currency + ')' if currency else ''}.")
    return out


def feature_spread(wh: WarehouseTables, features: list[str]) -> pd.Series | None:
    """Each feature's standard deviation over customers (``customer_features``), to say how far a segment is."""
    present = [f for f in features if f in wh.columns("customer_features")]
    if not present or not _rows(wh, "customer_features"):
        return None
    sql = ", ".join(f'stddev_pop(cast("{f}" as double)) as "{f}"' for f in present)
    return wh.query(f"select {sql} from customer_features").iloc[0].astype(float)


def _segments(wh: WarehouseTables, currency: str) -> Rendered:
    profiles = _profiles(wh)
    spread = feature_spread(wh, [c.removeprefix("mean_") for c in feature_columns(profiles)])
    long = profile_long(profiles, currency, spread)
    out = Rendered(cards=segment_cards(profiles, currency, spread))
    out.charts["segment_overview"] = charts.segment_overview(profiles)
    if long.empty:
        out.skipped["segment_profiles"] = "segment_profiles has no feature means to compare."
    else:
        out.charts["segment_profiles"] = charts.segment_profile_heatmap(long)
    if "response_rate" not in profiles or profiles["response_rate"].isna().all():
        out.notes.append("Response rates are not available for this data set: it has no campaign responses.")
    return out


def _targets(wh: WarehouseTables, currency: str) -> Rendered:
    targets = wh.query("select * from campaign_targets order by rank")
    has_segments = _rows(wh, "customer_segments") > 0
    if has_segments:
        segments = wh.query("select customer_id, segment_id, segment_name from customer_segments")
        targets = targets.merge(segments, on="customer_id", how="left")
        targets["segment"] = [segment_label(i, n) if not fmt.is_missing(i) else "no segment"
                              for i, n in zip(targets["segment_id"], targets["segment_name"])]
    expected, count, how = expected_responders(wh)
    cutoff = float(targets["response_probability"].min())
    out = Rendered(tiles=[
        Tile("Customers on the list", f"{count:,}"),
        Tile("Expected responders", fmt.count(expected), fmt.pct(expected / count) + " of the list"),
        Tile("Lowest score on the list", f"{cutoff:.3f}")])
    out.notes.append(f"Expected responders: {how}.")
    mean_score = float(targets["response_probability"].mean())
    if mean_score > 1.25 * expected / count:
        out.notes.append(f"The scores rank the customers well, but as chances they run high (the model weighs "
                         f"responders up when it learns): the list's mean score is {fmt.pct(mean_score)}, while "
                         f"customers with such scores answered at {fmt.pct(expected / count)}. Plan with the "
                         f"expected responders above.")
    scores = wh.query("select response_probability from response_scores") if _rows(wh, "response_scores") else \
        targets[["response_probability"]]
    out.charts["score_distribution"] = charts.score_distribution(
        charts.score_bins(scores["response_probability"].astype(float).to_numpy(), cutoff), cutoff)
    group = "segment" if has_segments else "response_decile"
    groups = targets.assign(group=targets[group].astype(str)).groupby("group", as_index=False).agg(
        customers=("customer_id", "count"), mean_probability=("response_probability", "mean"))
    out.charts["targets_by_segment"] = charts.targets_by_group(groups, "segment" if has_segments else "decile")
    # (column, header, kind, the order of a first click on its header: best first)
    columns = [("rank", "Rank", "int", "ascending"), ("customer_id", "Customer id", "text", "ascending"),
               ("response_probability", "Probability", "prob", "descending"),
               ("response_decile", "Decile", "int", "ascending")]
    if has_segments:
        columns.append(("segment", "Segment", "text", "ascending"))
    out.target_table = {
        "columns": [{"key": k, "label": label, "kind": kind, "first": first} for k, label, kind, first in columns],
        "rows": [[_json_value(v) for v in row] for row in targets[[c[0] for c in columns]].itertuples(index=False)],
    }
    return out


def _json_value(value: object) -> object:
    if fmt.is_missing(value):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    return str(value) if not isinstance(value, (int, str)) else value


def _gains(wh: WarehouseTables, currency: str) -> Rendered:
    table = wh.table("response_gains").sort_values("decile")
    shown = pd.DataFrame({
        "Decile": table["decile"].map(fmt.count), "Customers": table["customers"].map(fmt.count),
        "Responders": table["responders"].map(fmt.count), "Response rate": table["response_rate"].map(fmt.pct),
        "Customers so far": table["cumulative_customers_share"].map(lambda v: fmt.pct(v, 0)),
        "Responders reached so far": table["cumulative_gain"].map(fmt.pct),
        "Lift": table["lift"].map(lambda v: f"{v:.2f}"),
        "Cumulative lift": table["cumulative_lift"].map(lambda v: f"{v:.2f}")})
    top = table.iloc[min(1, len(table) - 1)]
    return Rendered(
        charts={"gains": charts.gains(table), "lift": charts.lift(table)},
        tables=[("Gains and lift by score decile (out-of-fold scores: customers the model had not seen)",
                 html_table(shown, numeric=tuple(shown.columns)))],
        notes=[f"Mailing the best {fmt.pct(top['cumulative_customers_share'], 0)} of customers by score reaches "
               f"{fmt.pct(top['cumulative_gain'])} of all responders "
               f"({top['cumulative_lift']:.1f}× a random mailing)."])


def _population(wh: WarehouseTables, currency: str) -> Rendered:
    comparison = wh.table("population_segment_comparison").sort_values("segment_id").reset_index(drop=True)
    comparison = comparison.assign(population_label=[population_label(i, n) for i, n in
                                                     zip(comparison["segment_id"], comparison["segment_name"])])
    comparison["representation"] = comparison.get("representation", pd.Series(
        np.where(comparison["representation_ratio"] >= 1, "over", "under")))
    drawn = charts.population_vs_customers(comparison)
    shown = pd.DataFrame({
        "Population segment": comparison["population_label"],
        "People in the population": comparison.get("population_count", pd.Series(dtype=float)).map(fmt.count),
        "Share of population": comparison["population_share"].map(fmt.pct),
        "Customers": comparison.get("customer_count", pd.Series(dtype=float)).map(fmt.count),
        "Share of customers": comparison["customer_share"].map(fmt.pct),
        "Customers ÷ population": comparison["representation_ratio"].map(lambda v: fmt.number(v)),
        "Represented": comparison["representation"]})
    over = comparison.loc[comparison["representation_ratio"].idxmax()]
    return Rendered(
        charts={"population_ratio": drawn["ratio"], "population_shares": drawn["shares"]},
        tables=[("Population and customer shares", html_table(shown, numeric=tuple(shown.columns[1:-1])))],
        notes=[f"Most over-represented among customers: {over['population_label']} "
               f"({over['representation_ratio']:.2f}× its share of the population): look for new customers there."])


def _rfm(wh: WarehouseTables, currency: str) -> Rendered:
    grid = wh.query("select r_score, f_score, count(*) as customers, sum(monetary) as revenue "
                    "from customer_rfm group by 1, 2 order by 1, 2")
    by_segment = wh.query(
        "select rfm_segment, count(*) as customers, sum(monetary) as revenue, avg(recency_days) as recency_days "
        "from customer_rfm group by 1 order by customers desc, rfm_segment")
    total = by_segment["revenue"].sum()
    shown = pd.DataFrame({
        "RFM segment": by_segment["rfm_segment"], "Customers": by_segment["customers"].map(fmt.count),
        "Share of customers": (by_segment["customers"] / by_segment["customers"].sum()).map(fmt.pct),
        "Net revenue": by_segment["revenue"].map(lambda v: fmt.money(v, currency)),
        "Share of revenue": (by_segment["revenue"] / total if total else by_segment["revenue"] * np.nan).map(fmt.pct),
        "Mean days since last order": by_segment["recency_days"].map(fmt.count)})
    return Rendered(charts={"rfm_grid": charts.rfm_grid(grid), "rfm_segments": charts.rfm_segments(by_segment)},
                    tables=[("Customers and net revenue by RFM segment",
                             html_table(shown, numeric=tuple(shown.columns[1:])))])


def _clv(wh: WarehouseTables, currency: str) -> Rendered:
    """Predicted value per segment (customer_clv summed in segment_profiles) and how well the model predicted a
    period it did not see (clv_holdout_validation)."""
    totals = wh.query("select count(*) as customers, avg(p_alive) as p_alive, sum(expected_purchases) as purchases, "
                      "sum(expected_value) as value, max(horizon_days) as horizon from customer_clv")
    horizon = int(totals["horizon"].iloc[0])
    out = Rendered(tiles=[
        Tile(f"Expected value, next {horizon:,} days", fmt.money(totals["value"].iloc[0], currency),
             f"from {fmt.count(totals['customers'].iloc[0])} customers"),
        Tile("Expected purchases", fmt.count(totals["purchases"].iloc[0]), f"purchase days in the next {horizon:,} days"),
        Tile("Customers still active", fmt.pct(totals["p_alive"].iloc[0]), "mean probability of being alive")])
    profiles = _profiles(wh)
    if "expected_value" in profiles and profiles["expected_value"].notna().any():
        shown = pd.DataFrame({
            "Segment": profiles["segment_label"], "Customers": profiles["clv_customers"].map(fmt.count),
            "Still active": profiles["mean_p_alive"].map(fmt.pct),
            "Expected purchases": profiles["expected_purchases"].map(fmt.count),
            "Expected value": profiles["expected_value"].map(lambda v: fmt.money(v, currency)),
            "Per customer": profiles["mean_expected_value"].map(lambda v: fmt.money(v, currency)),
            "Share of expected value": profiles["expected_value_share"].map(fmt.pct)})
        out.tables.append((f"Predicted value by segment over the next {horizon:,} days",
                           html_table(shown, numeric=tuple(shown.columns[1:]))))
    if _rows(wh, "clv_holdout_validation"):
        check = wh.query("select * from clv_holdout_validation order by group_order")
        shown = pd.DataFrame({
            "Customers (purchases before the holdout)": check["customer_group"].map(
                lambda g: "all" if g == "all" else f"{g} repeat purchases"),
            "Customers": check["customers"].map(fmt.count),
            "Actual purchases": check["actual_purchases"].map(fmt.count),
            "Predicted": check["predicted_purchases"].map(fmt.count),
            "Error": check["relative_error"].map(lambda v: fmt.pct(v) if not fmt.is_missing(v) else "–"),
            "Correlation per customer": check["correlation"].map(lambda v: fmt.number(v, 2))})
        first = check.iloc[0]
        out.tables.append((
            f"Checked on a period the model did not see: fitted on the orders before {str(first['holdout_start_date'])[:10]}, "
            f"it predicted the purchases of the next {int(first['holdout_days']):,} days",
            html_table(shown, numeric=tuple(shown.columns[1:]))))
    return out


def _k_selection(wh: WarehouseTables, currency: str) -> Rendered:
    curves = wh.table("segment_k_selection").sort_values("k")
    shown = pd.DataFrame({
        "k": curves["k"].map(fmt.count), "Inertia": curves["inertia"].map(fmt.number),
        "Silhouette": curves["silhouette"].map(lambda v: fmt.number(v, 3)),
        "Davies–Bouldin": curves["davies_bouldin"].map(lambda v: fmt.number(v, 3)),
        "Calinski–Harabasz": curves["calinski_harabasz"].map(fmt.number),
        "Chosen": np.where(curves["is_chosen"].astype(bool), "✓ chosen", "")})
    if "selection_sample_size" in curves:
        shown["Rows used"] = curves["selection_sample_size"].map(fmt.count)
    return Rendered(charts={"k_selection": charts.k_selection(curves)},
                    tables=[("Criteria by k", html_table(shown, numeric=tuple(c for c in shown.columns
                                                                            if c != "Chosen")))])


# The metrics of response_model_metrics in words; hits are counts of customers, written as whole numbers.
METRICS = {"roc_auc": "ROC-AUC", "pr_auc": "PR-AUC", "log_loss": "log loss", "brier": "Brier score",
           "top_decile_lift": "lift in the top decile", "hits_top_20pct": "responders in the top 20 %"}
WHOLE_METRICS = {"hits_top_20pct"}
FAMILIES = {"logit": "logistic regression", "hgb": "gradient boosting"}
# Columns of response_model_metrics the candidate table uses; any other column (an added estimate, an interval)
# is shown as it is in the table of every metric row, so a new column needs no change here.
CANDIDATE_COLUMNS = ("candidate_position", "candidate", "params", "metric", "cv_mean", "cv_std", "n_folds", "cv_rows",
                     "is_chosen", "is_best_in_family", "selection_metric")


def _params_text(params: object) -> str:
    if fmt.is_missing(params):
        return ""
    try:
        parsed = json.loads(str(params))
    except ValueError:
        return str(params)
    return ", ".join(f"{k.replace('_', ' ')} = {v}" for k, v in parsed.items())


def _candidate_labels(metrics: pd.DataFrame) -> pd.Series:
    position = metrics["candidate_position"] if "candidate_position" in metrics else metrics["candidate"]
    return pd.Series([f"#{p} {FAMILIES.get(c, c)} ({_params_text(q)})" for p, c, q in
                      zip(position, metrics["candidate"], metrics.get("params", pd.Series([None] * len(metrics))))],
                     index=metrics.index)


def _model(wh: WarehouseTables, currency: str) -> Rendered:
    metrics = wh.table("response_model_metrics").copy()
    key = "candidate_position" if "candidate_position" in metrics else "candidate"
    order = {m: i for i, m in enumerate(METRICS)}  # the known metrics first, in this order; others after, by name
    metrics = metrics.assign(_order=metrics["metric"].map(lambda m: order.get(m, len(order))))
    metrics = metrics.sort_values([key, "_order", "metric"], kind="mergesort").drop(columns="_order")
    metrics = metrics.reset_index(drop=True)
    metrics["candidate_label"] = _candidate_labels(metrics)
    metrics["metric_label"] = metrics["metric"].map(lambda m: METRICS.get(m, m.replace("_", " ")))
    metrics["chosen"] = np.where(metrics["is_chosen"].astype(bool), "chosen model", "candidate")
    metrics["value"] = [fmt.mean_with_spread(m, s, whole=name in WHOLE_METRICS)
                        for m, s, name in zip(metrics["cv_mean"], metrics["cv_std"], metrics["metric"])]
    # One row per candidate (its position is unique: no grid point is folded into another), one column per metric.
    wide = metrics.pivot(index=key, columns="metric_label", values="value")
    firsts = metrics.drop_duplicates(key).set_index(key)
    candidates = pd.DataFrame({
        "Candidate": firsts.index.map(lambda p: f"#{p}"),
        "Model": firsts["candidate"].map(lambda c: FAMILIES.get(c, c)),
        "Parameters": firsts.get("params", pd.Series("", index=firsts.index)).map(_params_text),
        **{label: wide[label] for label in [METRICS.get(m, m) for m in METRICS] + list(wide.columns)
           if label in wide.columns},
        "Chosen": np.where(firsts["is_chosen"].astype(bool), "✓ chosen", ""),
    })
    candidates = candidates.loc[:, ~candidates.columns.duplicated()]
    out = Rendered(charts={"cv_candidates": charts.cv_candidates(metrics)})
    selection = firsts["selection_metric"].dropna().iloc[0] if "selection_metric" in firsts and \
        firsts["selection_metric"].notna().any() else None
    n_folds = int(metrics["n_folds"].max()) if "n_folds" in metrics else None
    out.tables.append((
        f"Every candidate, cross-validated{f' over {n_folds} folds' if n_folds else ''} (mean ± standard deviation "
        f"over the folds){f'; chosen on {METRICS.get(selection, selection)}' if selection else ''}",
        html_table(candidates, wide=("Parameters",), numeric=tuple(c for c in candidates.columns if c not in
                                                                   ("Candidate", "Model", "Parameters", "Chosen")))))
    if "selection_aware_mean" in metrics and metrics["selection_aware_mean"].notna().any():
        chosen = metrics[metrics["is_chosen"].astype(bool) & metrics["selection_aware_mean"].notna()]
        naive = metrics[metrics["is_best_cv_mean"].astype(bool)].set_index("metric") if "is_best_cv_mean" in metrics \
            else pd.DataFrame()
        whole = chosen["metric"].isin(WHOLE_METRICS)
        shown = pd.DataFrame({
            "Metric": chosen["metric_label"],
            "Estimate (selection included)": [fmt.number(v, 0 if w else 4) for v, w in
                                              zip(chosen["selection_aware_mean"], whole)],
            "95 % interval": [f"{fmt.number(lo, 0 if w else 4)} – {fmt.number(hi, 0 if w else 4)}" for lo, hi, w in
                              zip(chosen["selection_aware_lower"], chosen["selection_aware_upper"], whole)],
            "Plain CV mean of the chosen model": [fmt.number(v, 0 if w else 4) for v, w in zip(chosen["cv_mean"], whole)],
            "Best plain CV mean of all candidates": [
                fmt.number(naive["cv_mean"].get(m), 0 if w else 4) if m in naive.index else "–"
                for m, w in zip(chosen["metric"], whole)]})
        out.tables.insert(0, (
            "The figure to budget on: the chosen model's performance estimated with its selection included "
            "(bootstrap bias-corrected cross-validation); the plain CV means beside it are optimistic, the best "
            "of them most of all", html_table(shown, numeric=tuple(shown.columns[1:]))))
    extra = [c for c in metrics.columns if c not in CANDIDATE_COLUMNS and c not in
             ("candidate_label", "metric_label", "chosen", "value")]
    if extra:
        rows = metrics[["candidate_label", "metric_label", "cv_mean", "cv_std", *extra]]
        shown = rows.rename(columns={"candidate_label": "Candidate", "metric_label": "Metric"}).astype(object)
        for column in shown.columns[2:]:
            shown[column] = [fmt.count(v) if isinstance(v, (int, np.integer)) else
                             fmt.number(v, 4) if isinstance(v, (float, np.floating)) else v for v in shown[column]]
        out.tables.append(("Every metric row of response_model_metrics", html_table(
            shown, numeric=tuple(shown.columns[2:]))))
    if _rows(wh, "response_scores"):
        scores = wh.table("response_scores")
        labelled = scores[scores["is_labeled"].astype(bool) & scores["label"].notna()]
        labels = labelled["label"].astype(int).to_numpy()
        if len(np.unique(labels)) < 2:
            out.skipped["roc"] = "The labelled customers do not have both outcomes, so there is no ROC curve."
        else:
            out.charts["roc"], _ = charts.roc_curve(labels, labelled["response_probability"].astype(float).to_numpy())
            out.notes.append("The ROC curve shows the final model's scores of the customers it was trained on; "
                             "the honest estimate is the cross-validated one above.")
    else:
        out.skipped["roc"] = "response_scores is empty, so there is no ROC curve."
    if _rows(wh, "response_feature_importance") and {"feature_name", "importance_mean", "importance_std"} <= set(
            wh.columns("response_feature_importance")):
        importance = wh.query("select feature_name, importance_mean, importance_std from response_feature_importance "
                              "order by importance_mean desc, feature_name limit 15")
        out.charts["feature_importance"] = charts.feature_importance(
            importance.assign(feature=importance["feature_name"].map(fmt.feature_label)))
    else:
        out.skipped["feature_importance"] = "response_feature_importance is empty: no importance to show."
    return out


def _data_quality(wh: WarehouseTables, currency: str) -> Rendered:
    reconciliation = wh.table("source_reconciliation")
    shown = pd.DataFrame({
        "Source file": reconciliation.get("source_file", reconciliation["entity"]),
        "Table": reconciliation["entity"], "Raw rows": reconciliation["raw_rows"].map(fmt.count),
        "Clean rows": reconciliation["clean_rows"].map(fmt.count),
        "Set aside": reconciliation["rejected_rows"].map(fmt.count),
        "Unaccounted": reconciliation["unaccounted_rows"].map(fmt.count)})
    out = Rendered(tables=[("Every raw row is clean or set aside with its reason",
                            html_table(shown, numeric=("Raw rows", "Clean rows", "Set aside", "Unaccounted")))])
    if _rows(wh, "rejected_rows"):
        reasons = wh.query("select entity, reject_reason, count(*) as rows from rejected_rows "
                           "group by all order by rows desc, entity, reject_reason")
        reasons["reason"] = reasons["entity"] + ": " + reasons["reject_reason"].str.replace("_", " ")
        out.charts["rejected_rows"] = charts.rejected_rows(reasons)
    else:
        out.skipped["rejected_rows"] = "No raw row was set aside: every row passed the cleaning rules."
    if _rows(wh, "data_quality_results"):
        results = wh.query("select suite, count(*) as checks, count(*) filter (where not success) as failed "
                           "from data_quality_results group by suite order by suite")
        out.tables.append(("Great Expectations checks of this build", html_table(pd.DataFrame({
            "Suite": results["suite"], "Checks": results["checks"].map(fmt.count),
            "Failed": results["failed"].map(fmt.count)}), numeric=("Checks", "Failed"))))
    return out


SECTIONS: tuple[Section, ...] = (
    Section("headline", "At a glance", "The figures of this build that a campaign starts from.", BUSINESS,
            {}, (), _headline),
    Section("segments", "Customer segments",
            "Each customer belongs to one segment (k-means on their behaviour and profile). A card per segment: its "
            "size, its share of revenue, how it answered the last campaign, what sets it apart and what to do.",
            BUSINESS, {"segment_profiles": ("segment_id", "segment_name", "customers", "share")},
            ("segment_overview", "segment_profiles"), _segments),
    Section("targets", "Target list for the next mailing",
            "The customers most likely to respond, best first. Sort by a column, search for a customer or a segment, "
            "and download the list as CSV.", BUSINESS,
            {"campaign_targets": ("rank", "customer_id", "response_probability", "response_decile")},
            ("score_distribution", "targets_by_segment"), _targets),
    Section("gains", "How well the score finds responders",
            "Contact the best-scored customers first: the share of all responders reached, and how many times the "
            "average response rate each score decile answers.", BUSINESS,
            {"response_gains": ("decile", "customers", "responders", "response_rate", "cumulative_customers_share",
                                "cumulative_gain", "lift", "cumulative_lift")},
            ("gains", "lift"), _gains),
    Section("population", "Customers compared with the general population",
            "The general population is segmented on its own (population segments P…, not the customer segments "
            "above). Segments with a ratio above 1 hold more of your customers than of the population.", BUSINESS,
            {"population_segment_comparison": ("segment_id", "segment_name", "population_share", "customer_share",
                                               "representation_ratio")},
            ("population_ratio", "population_shares"), _population),
    Section("rfm", "Recency, frequency and spend (RFM)",
            "Customers scored 1–5 on how recently and how often they bought, and the named RFM segments.", BUSINESS,
            {"customer_rfm": ("r_score", "f_score", "rfm_segment", "monetary", "recency_days")},
            ("rfm_grid", "rfm_segments"), _rfm),
    Section("clv", "Predicted customer value",
            "What each customer is expected to buy over the coming period (BG/NBD for how often and whether they are "
            "still active, Gamma-Gamma for how much), summed by segment, and how well the same model predicted a "
            "period it did not see.", BUSINESS,
            {"customer_clv": ("customer_id", "p_alive", "expected_purchases", "expected_value", "horizon_days"),
             "segment_profiles": ("segment_id", "segment_name")},
            (), _clv),
    Section("k_selection", "Choice of the number of segments",
            "The usual criteria for each number of segments tried, on the same rows; the red line marks the k the "
            "model chose.", TECHNICAL,
            {"segment_k_selection": ("k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz",
                                     "is_chosen")},
            ("k_selection",), _k_selection),
    Section("model", "Response model: every candidate, cross-validated",
            "Each candidate model and its parameters, scored on customers it was not trained on.", TECHNICAL,
            {"response_model_metrics": ("candidate", "metric", "cv_mean", "cv_std", "is_chosen")},
            ("cv_candidates", "roc", "feature_importance"), _model),
    Section("data_quality", "Data quality",
            "Nothing is dropped silently: every raw row is clean or set aside in rejected_rows with its reason.",
            TECHNICAL, {"source_reconciliation": ("entity", "raw_rows", "clean_rows", "rejected_rows",
                                                  "unaccounted_rows")},
            ("rejected_rows",), _data_quality),
)

PARTS = {BUSINESS: "For campaigns", TECHNICAL: "Technical details"}

# What a section says when a table it needs is empty, in words (the table name follows for analysts).
EMPTY_REASONS = {
    "campaign_targets": "this data set has no campaign responses, so there is no response model and no target list",
    "response_gains": "this data set has no campaign responses to measure the score against",
    "response_model_metrics": "this data set has no campaign responses to train a response model on",
    "population_segment_comparison": "this data set has no general-population panel to compare customers with",
    "segment_profiles": "this data set has no customers to segment",
    "customer_rfm": "this data set has no order lines, so there are no recency, frequency and spend scores",
    "customer_clv": "this data set has no order lines, so there is no purchase history to predict value from",
    "segment_k_selection": "this data set has no customers to segment",
}

__all__ = ["BUSINESS", "EMPTY_REASONS", "PARTS", "SECTIONS", "TECHNICAL", "Rendered", "Section", "Tile"]
