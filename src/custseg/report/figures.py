"""The report's plots: each function takes a DataFrame and returns a matplotlib Figure.

Figures are rendered to PNG without metadata (no timestamp), so the same tables give the same bytes.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no display: render to files only

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"]


def to_png_base64(fig: plt.Figure, dpi: int = 100) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _short(value: float) -> str:
    if abs(value) >= 10_000:
        return f"{value / 1000:,.0f}k"
    if abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def _label(row: pd.Series) -> str:
    return f"{int(row['segment_id'])} {row['segment_name']}"


def segment_sizes(profiles: pd.DataFrame) -> plt.Figure:
    data = profiles.sort_values("segment_id")
    labels = [_label(r) for _, r in data.iterrows()]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(data) + 1.5))
    bars = ax.barh(labels, data["customers"], color=PALETTE[: len(data)])
    for bar, share in zip(bars, data["share"]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {share:.1%}", va="center")
    ax.invert_yaxis()
    ax.set_xlabel("customers")
    ax.set_title("Customers per segment")
    ax.margins(x=0.12)
    return fig


def segment_profile_heatmap(profiles: pd.DataFrame) -> plt.Figure:
    """Mean of every feature by segment, coloured by how far it is from the other segments (z-score)."""
    data = profiles.sort_values("segment_id")
    features = [c for c in data.columns if c.startswith("mean_") and data[c].notna().any()]  # skip all-null
    values = data[features].astype(float).to_numpy()
    spread = np.nanstd(values, axis=0)
    z = (values - np.nanmean(values, axis=0)) / np.where(spread > 0, spread, 1.0)
    fig, ax = plt.subplots(figsize=(max(8, 0.55 * len(features) + 2), 0.6 * len(data) + 2.5))
    image = ax.imshow(np.nan_to_num(z), cmap="RdBu_r", vmin=-2, vmax=2, aspect="auto")
    ax.set_xticks(range(len(features)), [f.removeprefix("mean_") for f in features], rotation=60, ha="right")
    ax.set_yticks(range(len(data)), [_label(r) for _, r in data.iterrows()])
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if not np.isnan(values[i, j]):
                ax.text(j, i, _short(values[i, j]), ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, label="z-score across segments")
    ax.set_title("Segment profiles: mean of each feature")
    return fig


def rfm_grid(grid: pd.DataFrame) -> plt.Figure:
    """Customer counts by r_score (rows) and f_score (columns)."""
    table = grid.pivot(index="r_score", columns="f_score", values="customers").fillna(0).sort_index(ascending=False)
    fig, ax = plt.subplots(figsize=(7, 5.5))
    image = ax.imshow(table.to_numpy(), cmap="Blues", aspect="auto")
    ax.set_xticks(range(table.shape[1]), [str(int(c)) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [str(int(i)) for i in table.index])
    top = table.to_numpy().max()
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            count = int(table.iat[i, j])
            ax.text(j, i, f"{count:,}", ha="center", va="center", fontsize=8,
                    color="white" if count > 0.6 * top else "black")
    ax.set_xlabel("f_score (frequency)")
    ax.set_ylabel("r_score (recency)")
    ax.set_title("RFM grid: customers by recency and frequency score")
    fig.colorbar(image, ax=ax, label="customers")
    return fig


def rfm_segments(counts: pd.DataFrame) -> plt.Figure:
    data = counts.sort_values("customers", ascending=True)
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(data) + 1.5))
    ax.barh(data["rfm_segment"].astype(str), data["customers"], color=PALETTE[0])
    ax.set_xlabel("customers")
    ax.set_title("Customers per RFM segment")
    return fig


def k_selection(curves: pd.DataFrame) -> plt.Figure:
    data = curves.sort_values("k")
    chosen = data.loc[data["is_chosen"].astype(bool), "k"]
    criteria = [("inertia", "lower is better (look for the elbow)"), ("silhouette", "higher is better"),
                ("davies_bouldin", "lower is better"), ("calinski_harabasz", "higher is better")]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for ax, (column, hint) in zip(axes.flat, criteria):
        ax.plot(data["k"], data[column], marker="o", color=PALETTE[0])
        for k in chosen:
            ax.axvline(k, color=PALETTE[3], linestyle="--", label=f"chosen k = {int(k)}")
        ax.set_title(f"{column} ({hint})", fontsize=10)
        ax.set_xlabel("k")
        ax.set_xticks(data["k"])
    if len(chosen):
        axes.flat[0].legend()
    fig.suptitle("Choice of the number of segments")
    fig.tight_layout()
    return fig


def population_vs_customers(comparison: pd.DataFrame) -> plt.Figure:
    data = comparison.sort_values("segment_id")
    labels = [_label(r) for _, r in data.iterrows()]
    x = np.arange(len(data))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 0.5 * len(data) + 3), sharey=True)
    left.barh(x - 0.2, data["population_share"], height=0.4, label="general population", color=PALETTE[7])
    left.barh(x + 0.2, data["customer_share"], height=0.4, label="customers", color=PALETTE[0])
    left.set_yticks(x, labels)
    left.invert_yaxis()
    left.set_xlabel("share")
    left.legend()
    left.set_title("Share of each segment")
    ratio = data["representation_ratio"].astype(float)
    right.barh(x, ratio, color=[PALETTE[2] if r >= 1 else PALETTE[3] for r in ratio.fillna(1)])
    right.axvline(1, color="black", linewidth=1)
    right.set_xlabel("customer share / population share")
    right.set_title("Over (>1) and under (<1) represented among customers")
    fig.tight_layout()
    return fig


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


def roc_curve(labels: np.ndarray, scores: np.ndarray, cv_auc: str | None) -> plt.Figure:
    fpr, tpr, auc = roc_points(labels, scores)
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot(fpr, tpr, color=PALETTE[0], label=f"scores of the labelled customers (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], color=PALETTE[7], linestyle="--", label="random")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    title = "ROC curve"
    if cv_auc:
        title += f"\ncross-validated ROC-AUC {cv_auc}"
    ax.set_title(title)
    ax.legend(loc="lower right")
    return fig


def gains_and_lift(gains: pd.DataFrame) -> plt.Figure:
    data = gains.sort_values("decile")
    share = np.concatenate([[0.0], data["cumulative_customers_share"].astype(float)])
    gain = np.concatenate([[0.0], data["cumulative_gain"].astype(float)])
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    left.plot(share, gain, marker="o", color=PALETTE[0], label="model")
    left.plot([0, 1], [0, 1], color=PALETTE[7], linestyle="--", label="random")
    left.set_xlabel("share of customers contacted (best scores first)")
    left.set_ylabel("share of all responders reached")
    left.set_title("Cumulative gains")
    left.legend(loc="lower right")
    right.bar(data["decile"], data["lift"], color=PALETTE[0], label="lift of the decile")
    right.plot(data["decile"], data["cumulative_lift"], marker="o", color=PALETTE[1], label="cumulative lift")
    right.axhline(1, color="black", linewidth=1)
    right.set_xlabel("decile (1 = highest scores)")
    right.set_ylabel("lift (response rate / overall rate)")
    right.set_xticks(data["decile"])
    right.set_title("Lift by decile")
    right.legend()
    fig.tight_layout()
    return fig


def target_list(all_probabilities: np.ndarray, cutoff: float, groups: pd.DataFrame, group_label: str) -> plt.Figure:
    """Left: where the target list cuts the score distribution. Right: who is on the list, by ``group_label``."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    left.hist(all_probabilities, bins=40, color=PALETTE[7])
    left.axvline(cutoff, color=PALETTE[3], linestyle="--", label=f"lowest score on the list ({cutoff:.2f})")
    left.set_xlabel("response probability")
    left.set_ylabel("customers")
    left.set_title("Scores of all customers")
    left.legend()
    data = groups.sort_values("customers", ascending=True)
    right.barh(data["group"].astype(str), data["customers"], color=PALETTE[0])
    right.set_xlabel("customers on the target list")
    right.set_title(f"Target list by {group_label}")
    fig.tight_layout()
    return fig


def rejected_rows(reasons: pd.DataFrame) -> plt.Figure:
    data = reasons.assign(label=reasons["entity"].astype(str) + ": " + reasons["reject_reason"].astype(str))
    data = data.sort_values("rows", ascending=True)
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(data) + 1.5))
    ax.barh(data["label"], data["rows"], color=PALETTE[3])
    for y, rows in enumerate(data["rows"]):
        ax.text(rows, y, f" {int(rows):,}", va="center")
    ax.set_xlabel("rejected raw rows")
    ax.set_title("Rejected rows by reason")
    ax.margins(x=0.15)
    return fig
