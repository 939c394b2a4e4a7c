"""The planted segments of the synthetic world.

Each segment is a recipe: who its people are (demographics), how likely they are to
become customers, and how they buy. The recipes are far apart on purpose, so that a
correct pipeline (log + standardize + k-means) recovers them; tests compare the
segments found with `segments_truth.csv`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EDUCATION_LEVELS = ("Basic", "2n Cycle", "Graduation", "Master", "PhD")
MARITAL_STATUSES = ("Single", "Together", "Married", "Divorced", "Widow")
REGIONS = ("North", "South", "East", "West", "Central")
CATEGORIES = ("wine", "meat", "fish", "fruit", "sweets", "gold")
CHANNELS = ("web", "store", "catalog")

# Mean unit price of a product in each category (before the product's own factor).
CATEGORY_BASE_PRICE = {"wine": 14.0, "meat": 11.0, "fish": 9.0, "fruit": 2.5, "sweets": 3.5, "gold": 35.0}


@dataclass(frozen=True)
class Segment:
    """One planted segment: demographics, customer propensity and buying behaviour."""

    name: str
    population_share: float
    customer_propensity: float  # P(person becomes a customer)
    age_mean: float
    age_sd: float
    income_mean: float
    income_sd: float
    children_mean: float
    education_probs: tuple[float, ...]
    marital_probs: tuple[float, ...]
    orders_mean: float  # orders over the two-year window
    order_window: tuple[float, float]  # share of the window in which this segment buys
    lines_per_order_mean: float
    quantity_mean: float
    price_factor: float
    category_probs: tuple[float, ...]
    channel_probs: tuple[float, ...]
    response_logit: float  # base log-odds of answering a campaign
    extra: dict = field(default_factory=dict)


SEGMENTS: tuple[Segment, ...] = (
    Segment(
        name="affluent_loyalists",
        population_share=0.15,
        customer_propensity=0.60,
        age_mean=57, age_sd=6, income_mean=92_000, income_sd=9_000, children_mean=0.1,
        education_probs=(0.0, 0.05, 0.35, 0.35, 0.25),
        marital_probs=(0.05, 0.15, 0.70, 0.05, 0.05),
        orders_mean=22, order_window=(0.0, 1.0), lines_per_order_mean=6, quantity_mean=2.0,
        price_factor=1.8, category_probs=(0.40, 0.25, 0.10, 0.05, 0.05, 0.15),
        channel_probs=(0.15, 0.35, 0.50), response_logit=-0.6,
    ),
    Segment(
        name="young_bargain_hunters",
        population_share=0.30,
        customer_propensity=0.22,
        age_mean=25, age_sd=3, income_mean=28_000, income_sd=5_000, children_mean=0.05,
        education_probs=(0.15, 0.30, 0.45, 0.10, 0.0),
        marital_probs=(0.80, 0.15, 0.03, 0.02, 0.0),
        orders_mean=12, order_window=(0.35, 1.0), lines_per_order_mean=2, quantity_mean=1.2,
        price_factor=0.55, category_probs=(0.05, 0.05, 0.05, 0.35, 0.45, 0.05),
        channel_probs=(0.85, 0.10, 0.05), response_logit=-2.4,
    ),
    Segment(
        name="busy_families",
        population_share=0.25,
        customer_propensity=0.30,
        age_mean=40, age_sd=4, income_mean=58_000, income_sd=7_000, children_mean=2.3,
        education_probs=(0.05, 0.15, 0.55, 0.20, 0.05),
        marital_probs=(0.02, 0.28, 0.65, 0.05, 0.0),
        orders_mean=9, order_window=(0.0, 1.0), lines_per_order_mean=9, quantity_mean=3.0,
        price_factor=1.0, category_probs=(0.05, 0.35, 0.20, 0.30, 0.08, 0.02),
        channel_probs=(0.15, 0.80, 0.05), response_logit=-1.8,
    ),
    Segment(
        name="lapsed_one_timers",
        population_share=0.30,
        customer_propensity=0.15,
        age_mean=70, age_sd=5, income_mean=40_000, income_sd=6_000, children_mean=0.0,
        education_probs=(0.25, 0.30, 0.35, 0.08, 0.02),
        marital_probs=(0.15, 0.05, 0.35, 0.15, 0.30),
        orders_mean=1.3, order_window=(0.0, 0.35), lines_per_order_mean=3, quantity_mean=1.5,
        price_factor=1.0, category_probs=(0.15, 0.20, 0.15, 0.20, 0.20, 0.10),
        channel_probs=(0.40, 0.40, 0.20), response_logit=-3.5,
    ),
)
