"""The report's interactive charts: each function takes a DataFrame and returns a Vega-Lite spec (a dict).

Built with Altair; the page draws them with vega-embed, inlined (see :mod:`.assets`), so the report works offline.
Every chart has tooltips; the ones where it helps have a sort or a filter bound to a control (a drop-down or a
legend click). Every parameter is named here, never numbered by Altair, so the same tables give the same bytes.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

BLUE, ORANGE, GREEN, RED, GREY = "#3b6fb6", "#e07b39", "#3f9a5a", "#c44e52", "#9a9a9a"
WIDTH = 560


def _spec(chart: alt.TopLevelMixin) -> dict:
    # Not validated here (a third of the report's time): the tests validate every spec against the schema.
    return chart.configure_view(stroke=None).configure_axis(labelFontSize=12, titleFontSize=12).to_dict(
        validate=False)


def segment_overview(profiles: pd.DataFrame) -> dict:
    """One bar per segment for the measure chosen in a drop-down, sorted by value or by segment."""
    measures = {"share": "share of customers", "revenue_share": "share of revenue",
                "response_rate": "response rate"}
    present = [m for m in measures if m in profiles.columns and profiles[m].notna().any()]
    data = profiles[["segment_id", "segment_label", "customers", *present]].copy()
    long = data.melt(id_vars=["segment_id", "segment_label", "customers"], value_vars=present,
                     var_name="measure_key", value_name="value")
    long["measure"] = long["measure_key"].map(measures)
    measure = alt.param(name="measure", value=measures[present[0]],
                        bind=alt.binding_select(options=[measures[m] for m in present], name="Show "))
    order = alt.param(name="order", value="largest first",
                      bind=alt.binding_radio(options=["largest first", "by segment number"], name="Order "))
    chart = alt.Chart(long).mark_bar(color=BLUE).encode(
        x=alt.X("value:Q", title=None, axis=alt.Axis(format="%")),
        y=alt.Y("segment_label:N", title=None, sort=alt.EncodingSortField(field="sort_key", order="ascending"),
                axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("segment_label:N", title="segment"), alt.Tooltip("measure:N", title="measure"),
                 alt.Tooltip("value:Q", title="value", format=".1%"),
                 alt.Tooltip("customers:Q", title="customers", format=",")],
    ).add_params(measure, order).transform_filter("datum.measure == measure").transform_calculate(
        sort_key="order == 'largest first' ? -datum.value : datum.segment_id",
    ).properties(width=WIDTH, height=36 * len(data), title="Segments compared")
    return _spec(chart)


def segment_profile_heatmap(long: pd.DataFrame) -> dict:
    """Feature × segment, coloured by the z-score across segments; hover shows the segment's mean in words."""
    hover = alt.selection_point(name="hover_feature", fields=["feature"], on="pointerover", clear="pointerout")
    base = alt.Chart(long).encode(
        x=alt.X("feature:N", title=None, sort=None, axis=alt.Axis(labelAngle=-35, labelLimit=220)),
        y=alt.Y("segment_label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("z:Q", title="above (red) or below (blue) all customers, in standard deviations",
                        scale=alt.Scale(scheme="redblue", domain=[-1.5, 1.5], reverse=True, clamp=True),
                        legend=alt.Legend(format="+.1f", orient="bottom", gradientLength=260, titleLimit=400)),
        opacity=alt.condition(hover, alt.value(1.0), alt.value(0.75)),
        tooltip=[alt.Tooltip("segment_label:N", title="segment"), alt.Tooltip("feature:N", title="feature"),
                 alt.Tooltip("value_text:N", title="segment mean"),
                 alt.Tooltip("overall_text:N", title="all customers")],
    ).add_params(hover)
    text = base.mark_text(fontSize=11).encode(text="value_text:N")
    return _spec((cells + text).properties(width=max(WIDTH, 70 * long["feature"].nunique()),
                                           height=44 * long["segment_label"].nunique(),
                                           title="What each segment looks like (mean of each feature)"))


def rfm_grid(grid: pd.DataFrame) -> dict:
    base = alt.Chart(grid).encode(x=alt.X("f_score:O", title="frequency score (5 = most orders)"),
                                  y=alt.Y("r_score:O", title="recency score (5 = most recent)", sort="descending"))
    cells = base.mark_rect().encode(
        color=alt.Color("customers:Q", scale=alt.Scale(scheme="blues"), title="customers"),
        tooltip=[alt.Tooltip("r_score:O", title="recency score"), alt.Tooltip("f_score:O", title="frequency score"),
                 alt.Tooltip("customers:Q", title="customers", format=","),
                 alt.Tooltip("revenue:Q", title="net revenue", format=",.0f")])
    text = base.mark_text(fontSize=11).encode(text=alt.Text("customers:Q", format=","))
    return _spec((cells + text).properties(width=380, height=300, title="Customers by recency and frequency"))


def rfm_segments(by_segment: pd.DataFrame) -> dict:
    order = alt.param(name="rfm_order", value="customers",
                      bind=alt.binding_radio(options=["customers", "revenue"], name="Sort by "))
    chart = alt.Chart(by_segment).mark_bar(color=BLUE).encode(
        x=alt.X("customers:Q", title="customers"),
        y=alt.Y("rfm_segment:N", title=None, sort=alt.EncodingSortField(field="sort_key", order="descending")),
        tooltip=[alt.Tooltip("rfm_segment:N", title="RFM segment"),
                 alt.Tooltip("customers:Q", title="customers", format=","),
                 alt.Tooltip("revenue:Q", title="net revenue", format=",.0f"),
                 alt.Tooltip("recency_days:Q", title="mean days since last order", format=",.0f")],
    ).add_params(order).transform_calculate(
        sort_key="rfm_order == 'customers' ? datum.customers : datum.revenue",
    ).properties(width=WIDTH, height=26 * len(by_segment), title="Customers per RFM segment")
    return _spec(chart)


def population_vs_customers(comparison: pd.DataFrame) -> dict:
    """Population share next to customer share per population segment; the legend filters over/under."""
    long = comparison.melt(id_vars=["population_label", "representation", "representation_ratio"],
                           value_vars=["population_share", "customer_share"], var_name="group", value_name="share")
    long["group"] = long["group"].map({"population_share": "general population", "customer_share": "customers"})
    pick = alt.selection_point(name="pick_representation", fields=["representation"], bind="legend")
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("share:Q", title="share", axis=alt.Axis(format="%")),
        y=alt.Y("group:N", title=None, axis=None, sort=["general population", "customers"]),
        row=alt.Row("population_label:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left",
                                                                           labelLimit=320)),
        color=alt.Color("group:N", title=None, scale=alt.Scale(domain=["general population", "customers"],
                                                               range=[GREY, BLUE])),
        tooltip=[alt.Tooltip("population_label:N", title="population segment"),
                 alt.Tooltip("group:N", title="among"), alt.Tooltip("share:Q", title="share", format=".1%"),
                 alt.Tooltip("representation_ratio:Q", title="customers / population", format=".2f"),
                 alt.Tooltip("representation:N", title="represented")],
    ).properties(width=360, height=40, title="Share of each population segment")
    ratio = alt.Chart(comparison).mark_bar().encode(
        x=alt.X("representation_ratio:Q", title="customer share ÷ population share (1 = same as population)"),
        y=alt.Y("population_label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("representation:N", title="represented (click to filter)",
                        scale=alt.Scale(domain=["over", "neutral", "under"], range=[GREEN, GREY, RED])),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.15)),
        tooltip=[alt.Tooltip("population_label:N", title="population segment"),
                 alt.Tooltip("representation_ratio:Q", title="customers / population", format=".2f"),
                 alt.Tooltip("representation:N", title="represented")],
    ).add_params(pick).properties(width=WIDTH, height=36 * len(comparison),
                                  title="Over- and under-represented among customers")
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="black").encode(x="x:Q")
    return {"ratio": _spec(ratio + rule), "shares": _spec(bars)}


def gains(gains_table: pd.DataFrame) -> dict:
    data = pd.concat([pd.DataFrame({"decile": [0], "cumulative_customers_share": [0.0], "cumulative_gain": [0.0]}),
                      gains_table[["decile", "cumulative_customers_share", "cumulative_gain"]]], ignore_index=True)
    hover = alt.selection_point(name="hover_decile", fields=["decile"], on="pointerover", nearest=True,
                                clear="pointerout")
    line = alt.Chart(data).mark_line(color=BLUE, point=True).encode(
        x=alt.X("cumulative_customers_share:Q", title="share of customers contacted, best scores first",
                axis=alt.Axis(format="%")),
        y=alt.Y("cumulative_gain:Q", title="share of all responders reached", axis=alt.Axis(format="%")),
        size=alt.condition(hover, alt.value(4), alt.value(2)),
        tooltip=[alt.Tooltip("decile:O", title="down to decile"),
                 alt.Tooltip("cumulative_customers_share:Q", title="customers contacted", format=".0%"),
                 alt.Tooltip("cumulative_gain:Q", title="responders reached", format=".1%")],
    ).add_params(hover)
    diagonal = alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})).mark_line(
        color=GREY, strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    return _spec((diagonal + line).properties(width=420, height=320,
                                              title="Cumulative gains (dashed: mailing at random)"))


def lift(gains_table: pd.DataFrame) -> dict:
    data = gains_table[["decile", "customers", "responders", "response_rate", "lift", "cumulative_lift"]]
    chart = alt.Chart(data).mark_bar(color=BLUE).encode(
        x=alt.X("decile:O", title="score decile (1 = best scores)"),
        y=alt.Y("lift:Q", title="response rate ÷ average rate"),
        color=alt.condition("datum.lift >= 1", alt.value(BLUE), alt.value(GREY)),
        tooltip=[alt.Tooltip("decile:O", title="decile"), alt.Tooltip("customers:Q", title="customers", format=","),
                 alt.Tooltip("responders:Q", title="responders", format=","),
                 alt.Tooltip("response_rate:Q", title="response rate", format=".1%"),
                 alt.Tooltip("lift:Q", title="lift", format=".2f"),
                 alt.Tooltip("cumulative_lift:Q", title="cumulative lift", format=".2f")])
    rule = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color="black").encode(y="y:Q")
    return _spec((chart + rule).properties(width=420, height=320, title="Lift by score decile"))


def score_bins(probabilities: np.ndarray, cutoff: float, bins: int = 40) -> pd.DataFrame:
    """Customers per score bin, split into on and off the target list: a small table at any number of customers."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.searchsorted(edges, probabilities, side="right") - 1, 0, bins - 1)
    frame = pd.DataFrame({"bin": index, "on_list": np.where(probabilities >= cutoff, "on the target list",
                                                           "not on the list")})
    counts = frame.groupby(["bin", "on_list"]).size().reset_index(name="customers")
    return counts.assign(score_from=edges[counts["bin"]], score_to=edges[counts["bin"] + 1]).drop(columns="bin")


def score_distribution(bins: pd.DataFrame, cutoff: float) -> dict:
    """Histogram of every customer's score (from :func:`score_bins`), the part on the target list in colour."""
    chart = alt.Chart(bins).mark_bar().encode(
        x=alt.X("score_from:Q", title="response score", bin=alt.Bin(binned=True, step=0.025),
                scale=alt.Scale(domain=[0, 1])), x2="score_to:Q",
        y=alt.Y("customers:Q", title="customers"),
        color=alt.Color("on_list:N", title=None, scale=alt.Scale(domain=["on the target list", "not on the list"],
                                                                range=[BLUE, GREY]), legend=alt.Legend(orient="top")),
        tooltip=[alt.Tooltip("score_from:Q", title="score from", format=".3f"),
                 alt.Tooltip("score_to:Q", title="score to", format=".3f"),
                 alt.Tooltip("customers:Q", title="customers", format=","), alt.Tooltip("on_list:N", title="")])
    rule = alt.Chart(pd.DataFrame({"x": [cutoff]})).mark_rule(color=RED, strokeDash=[4, 3]).encode(
        x="x:Q", tooltip=[alt.Tooltip("x:Q", title="lowest score on the list", format=".3f")])
    return _spec((chart + rule).properties(width=320, height=240, title="Scores of all customers"))


def targets_by_group(groups: pd.DataFrame, group_title: str) -> dict:
    chart = alt.Chart(groups).mark_bar(color=BLUE).encode(
        x=alt.X("customers:Q", title="customers on the list", axis=alt.Axis(tickCount=3)),
        y=alt.Y("group:N", title=None, sort="-x", axis=alt.Axis(labelLimit=250)),
        tooltip=[alt.Tooltip("group:N", title=group_title), alt.Tooltip("customers:Q", title="on the list", format=","),
                 alt.Tooltip("mean_probability:Q", title="mean score", format=".2f")])
    return _spec(chart.properties(width=140, height=32 * len(groups), title=f"Target list by {group_title}"))


def k_selection(curves: pd.DataFrame) -> dict:
    criteria = {"inertia": "inertia (look for the elbow)", "silhouette": "silhouette (higher is better)",
                "davies_bouldin": "Davies–Bouldin (lower is better)",
                "calinski_harabasz": "Calinski–Harabasz (higher is better)"}
    long = curves.melt(id_vars=["k", "is_chosen"], value_vars=list(criteria), var_name="criterion", value_name="value")
    long["criterion"] = long["criterion"].map(criteria)
    long["chosen"] = np.where(long["is_chosen"].astype(bool), "chosen k", "")
    base = alt.Chart().encode(x=alt.X("k:O", title="number of segments k"))
    line = base.mark_line(color=BLUE, point=True).encode(
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("k:O"), alt.Tooltip("criterion:N"), alt.Tooltip("value:Q", format=",.3f"),
                 alt.Tooltip("chosen:N", title="")])
    chosen = base.mark_rule(color=RED, strokeDash=[4, 3]).transform_filter("datum.is_chosen")
    chart = alt.layer(line, chosen, data=long).properties(width=260, height=170).facet(
        facet=alt.Facet("criterion:N", title=None, sort=list(criteria.values())), columns=2,
    ).resolve_scale(y="independent").properties(title="Choice of the number of segments (red: the chosen k)")
    return _spec(chart)


def cv_candidates(metrics: pd.DataFrame) -> dict:
    """Mean ± spread over the folds of each candidate, for the metric chosen in a drop-down."""
    data = metrics[["candidate_label", "metric_label", "cv_mean", "cv_std", "chosen"]].assign(
        low=metrics["cv_mean"] - metrics["cv_std"], high=metrics["cv_mean"] + metrics["cv_std"])
    labels = list(dict.fromkeys(data["metric_label"]))
    pick = alt.param(name="cv_metric", value=labels[0], bind=alt.binding_select(options=labels, name="Metric "))
    base = alt.Chart(data).encode(y=alt.Y("candidate_label:N", title=None, sort=None, axis=alt.Axis(labelLimit=420)))
    bars = base.mark_rule(color=GREY, strokeWidth=2).encode(x=alt.X("low:Q", title="cross-validated mean ± sd",
                                                                    scale=alt.Scale(zero=False)), x2="high:Q")
    points = base.mark_point(filled=True, size=90).encode(
        x="cv_mean:Q",
        color=alt.Color("chosen:N", title=None, scale=alt.Scale(domain=["chosen model", "candidate"],
                                                                range=[RED, BLUE])),
        tooltip=[alt.Tooltip("candidate_label:N", title="candidate"), alt.Tooltip("metric_label:N", title="metric"),
                 alt.Tooltip("cv_mean:Q", title="mean", format=".4f"),
                 alt.Tooltip("cv_std:Q", title="sd over folds", format=".4f")])
    chart = (bars + points).add_params(pick).transform_filter("datum.metric_label == cv_metric")
    return _spec(chart.properties(width=WIDTH, height=30 * data["candidate_label"].nunique(),
                                  title="Every candidate, cross-validated"))


def roc_points(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """False and true positive rates at every distinct score (ties share a point), and the area under them."""
    order = np.argsort(-scores, kind="mergesort")
    sorted_scores, sorted_labels = scores[order], labels[order].astype(float)
    last_of_each_score = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(sorted_scores) - 1]
    true_positives = np.cumsum(sorted_labels)[last_of_each_score]
    false_positives = last_of_each_score + 1 - true_positives
    tpr = np.r_[0.0, true_positives / true_positives[-1]]
    fpr = np.r_[0.0, false_positives / false_positives[-1]]
    return fpr, tpr, float(np.trapezoid(tpr, fpr))


def roc_curve(labels: np.ndarray, scores: np.ndarray, max_points: int = 300) -> tuple[dict, float]:
    fpr, tpr, auc = roc_points(labels, scores)
    keep = np.unique(np.linspace(0, len(fpr) - 1, min(len(fpr), max_points)).round().astype(int))
    data = pd.DataFrame({"fpr": fpr[keep], "tpr": tpr[keep]})
    line = alt.Chart(data).mark_line(color=BLUE).encode(
        x=alt.X("fpr:Q", title="false positive rate"), y=alt.Y("tpr:Q", title="true positive rate"),
        tooltip=[alt.Tooltip("fpr:Q", title="false positive rate", format=".2f"),
                 alt.Tooltip("tpr:Q", title="true positive rate", format=".2f")])
    diagonal = alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})).mark_line(
        color=GREY, strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    return _spec((diagonal + line).properties(width=320, height=320,
                                              title=f"ROC of the final model's scores (AUC {auc:.3f})")), auc


def feature_importance(importance: pd.DataFrame) -> dict:
    """What drives the score: the drop in ROC-AUC when a feature is shuffled, with its spread over the repeats."""
    data = importance.assign(low=importance["importance_mean"] - importance["importance_std"],
                             high=importance["importance_mean"] + importance["importance_std"])
    base = alt.Chart(data).encode(y=alt.Y("feature:N", title=None, sort="-x", axis=alt.Axis(labelLimit=320)))
    bars = base.mark_bar(color=BLUE).encode(
        x=alt.X("importance_mean:Q", title="drop in ROC-AUC when the feature is shuffled"),
        tooltip=[alt.Tooltip("feature:N"), alt.Tooltip("importance_mean:Q", title="importance", format=".4f"),
                 alt.Tooltip("importance_std:Q", title="sd over repeats", format=".4f")])
    spread = base.mark_rule(color="black").encode(x="low:Q", x2="high:Q")
    return _spec((bars + spread).properties(width=420, height=22 * len(data), title="What drives the score"))


def rejected_rows(reasons: pd.DataFrame) -> dict:
    chart = alt.Chart(reasons).mark_bar(color=RED).encode(
        x=alt.X("rows:Q", title="raw rows set aside"),
        y=alt.Y("reason:N", title=None, sort="-x", axis=alt.Axis(labelLimit=360)),
        tooltip=[alt.Tooltip("entity:N", title="table"), alt.Tooltip("reject_reason:N", title="reason"),
                 alt.Tooltip("rows:Q", title="rows", format=",")])
    return _spec(chart.properties(width=WIDTH, height=28 * len(reasons), title="Rows set aside, by reason"))
