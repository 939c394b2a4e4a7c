"""Generate the synthetic world: population, customers, order lines, campaigns.

The world is built in fixed-size chunks of people. Each chunk draws from its own
random stream (seeded by ``[seed, chunk_index]``) and is written as its own Parquet
part, so memory stays bounded whatever the size, and the same seed always gives
byte-identical files.

The world's parameters (the planted segments of :mod:`.segments`, the product catalog, the campaigns and
how people respond to them) never depend on the seed: the seed only draws the people. So a **holdout**
(:meth:`WorldSpec.holdout`, ``custseg generate --holdout``) is a fresh draw of customers from the same world:
the same ``seed``, another ``customer_seed``. Models fitted on the sample world can be scored on it to check
an estimate against the truth (tests/python/test_response_holdout.py).

Layout written under ``out_dir``::

    population/part-00000.parquet     every person, customers included (demographics)
    customers/part-00000.parquet      customer_id, person_id, signed_up_at
    order_lines/part-00000.parquet    raw order lines, dirt included
    campaign_responses/part-00000.parquet
    segments_truth.csv                answer key for tests only: customer_id, true_segment
    world.json                        the parameters and row counts of the run
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from custseg.generate import dirt
from custseg.generate.segments import (
    CATEGORIES,
    CATEGORY_BASE_PRICE,
    CHANNELS,
    EDUCATION_LEVELS,
    MARITAL_STATUSES,
    REGIONS,
    SEGMENTS,
)

PEOPLE_PER_CHUNK = 50_000
PRODUCTS_PER_CATEGORY = 40
REFERENCE_YEAR = 2026  # ages are relative to this year, never to the wall clock
WINDOW_START = dt.datetime(2024, 1, 1)
WINDOW_DAYS = 731  # 2024-01-01 .. 2025-12-31
CAMPAIGNS = (
    # campaign_id, mailed_at; the last one is the campaign the response model predicts
    ("spring_2025", dt.datetime(2025, 4, 1)),
    ("winter_2026", dt.datetime(2026, 1, 5)),
)
HOLDOUT_SEED_OFFSET = 1_000_003  # customer_seed of a holdout = this + seed
ORDER_LINES_PER_CUSTOMER = 76.0  # approximate mean, used to size a world by order lines


@dataclass(frozen=True)
class WorldSpec:
    """What to generate."""

    customers: int = 5_000
    seed: int = 42
    customer_seed: int | None = None  # draws the people; None = seed (the world's own customers)

    @property
    def population(self) -> int:
        rate = sum(s.population_share * s.customer_propensity for s in SEGMENTS)
        return int(math.ceil(self.customers / rate))

    @property
    def draw_seed(self) -> int:
        return self.seed if self.customer_seed is None else self.customer_seed

    def holdout(self, customers: int = 50_000) -> "WorldSpec":
        """A fresh draw of ``customers`` customers from the same world (same ``seed``): the customer seed is
        derived from the seed, never equal to it, so no person of the world's own draw comes back."""
        return WorldSpec(customers=customers, seed=self.seed, customer_seed=HOLDOUT_SEED_OFFSET + self.seed)

    @classmethod
    def for_order_lines(cls, order_lines: int, seed: int = 42) -> "WorldSpec":
        return cls(customers=max(1, int(round(order_lines / ORDER_LINES_PER_CUSTOMER))), seed=seed)


def _catalog() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A fixed product catalog: stock code, description, category index, base price."""
    rng = np.random.default_rng(20240101)
    codes, descriptions, cats, prices = [], [], [], []
    for ci, cat in enumerate(CATEGORIES):
        factors = rng.lognormal(0.0, 0.35, PRODUCTS_PER_CATEGORY)
        for pi in range(PRODUCTS_PER_CATEGORY):
            codes.append(f"{ci + 1}{pi:04d}")
            descriptions.append(f"{cat.upper()} ITEM {pi:02d}")
            cats.append(ci)
            prices.append(round(CATEGORY_BASE_PRICE[cat] * factors[pi], 2))
    return np.array(codes), np.array(descriptions), np.array(cats), np.array(prices)


def _ids(prefix: str, first: int, n: int, width: int) -> np.ndarray:
    """Identifiers like P00000001: prefix + zero-padded running number."""
    return np.char.add(prefix, np.char.zfill(np.arange(first, first + n).astype(str), width))


def _choice_by_row(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Draw one index per row of a (n, k) probability matrix."""
    cum = probs.cumsum(axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(probs))[:, None]
    return (u > cum).sum(axis=1)


def _people(rng: np.random.Generator, n: int, first_person: int) -> dict[str, np.ndarray]:
    shares = np.array([s.population_share for s in SEGMENTS])
    seg = rng.choice(len(SEGMENTS), size=n, p=shares / shares.sum())
    par = {k: np.array([getattr(s, k) for s in SEGMENTS])[seg] for k in (
        "age_mean", "age_sd", "income_mean", "income_sd", "children_mean", "customer_propensity")}
    age = np.clip(np.round(rng.normal(par["age_mean"], par["age_sd"])), 18, 95).astype(np.int64)
    income = np.clip(np.round(rng.normal(par["income_mean"], par["income_sd"]), -1), 6_000, None).astype(np.int64)
    children = np.clip(rng.poisson(par["children_mean"]), 0, 5).astype(np.int64)
    education = _choice_by_row(rng, np.array([s.education_probs for s in SEGMENTS])[seg])
    marital = _choice_by_row(rng, np.array([s.marital_probs for s in SEGMENTS])[seg])
    partnered = np.isin(marital, [MARITAL_STATUSES.index("Married"), MARITAL_STATUSES.index("Together")])
    region = rng.integers(0, len(REGIONS), n)
    is_customer = rng.random(n) < par["customer_propensity"]
    return {
        "person_id": _ids("P", first_person, n, 8),
        "segment": seg,
        "birth_year": REFERENCE_YEAR - age,
        "education": np.array(EDUCATION_LEVELS)[education],
        "marital_status": np.array(MARITAL_STATUSES)[marital],
        "children": children,
        "household_size": 1 + partnered.astype(np.int64) + children,
        "income": income,
        "region": np.array(REGIONS)[region],
        "is_customer": is_customer,
    }


def _orders(rng: np.random.Generator, seg: np.ndarray) -> dict[str, np.ndarray]:
    """Orders of each customer (customer index, day, channel)."""
    orders_mean = np.array([s.orders_mean for s in SEGMENTS])[seg]
    n_orders = 1 + rng.poisson(np.maximum(orders_mean - 1, 0))
    cust = np.repeat(np.arange(len(seg)), n_orders)
    oseg = seg[cust]
    lo = np.array([s.order_window[0] for s in SEGMENTS])[oseg]
    hi = np.array([s.order_window[1] for s in SEGMENTS])[oseg]
    day = np.floor((lo + (hi - lo) * rng.random(len(cust))) * (WINDOW_DAYS - 1)).astype(np.int64)
    seconds = rng.integers(8 * 3600, 20 * 3600, len(cust))
    channel = _choice_by_row(rng, np.array([s.channel_probs for s in SEGMENTS])[oseg])
    return {"customer": cust, "day": day, "seconds": seconds, "channel": channel}


def _lines(rng, seg, orders, catalog) -> dict[str, np.ndarray]:
    """Order lines of each order (product, quantity, unit price)."""
    codes, descriptions, cats, prices = catalog
    oseg = seg[orders["customer"]]
    lines_mean = np.array([s.lines_per_order_mean for s in SEGMENTS])[oseg]
    n_lines = 1 + rng.poisson(np.maximum(lines_mean - 1, 0))
    order = np.repeat(np.arange(len(oseg)), n_lines)
    lseg = oseg[order]
    cat = _choice_by_row(rng, np.array([s.category_probs for s in SEGMENTS])[lseg])
    product = cat * PRODUCTS_PER_CATEGORY + rng.integers(0, PRODUCTS_PER_CATEGORY, len(order))
    qmean = np.array([s.quantity_mean for s in SEGMENTS])[lseg]
    quantity = 1 + rng.poisson(np.maximum(qmean - 1, 0))
    pf = np.array([s.price_factor for s in SEGMENTS])[lseg]
    unit_price = np.round(prices[product] * pf * rng.lognormal(0.0, 0.05, len(order)), 2)
    return {"order": order, "product": product, "quantity": quantity.astype(np.int64), "unit_price": unit_price}


def _campaigns(rng, seg, people, first_day, last_day, n_orders) -> dict[str, np.ndarray]:
    """Responses to each campaign; the probability depends on the customer's profile."""
    base = np.array([s.response_logit for s in SEGMENTS])[seg]
    income_z = (people["income"] - 55_000) / 25_000
    out = {k: [] for k in ("customer", "campaign_id", "mailed_at", "responded")}
    accepted_before = np.zeros(len(seg), dtype=bool)
    for campaign_id, mailed_at in CAMPAIGNS:
        mail_day = (mailed_at - WINDOW_START).days
        mailed = first_day < mail_day
        recency = np.clip(mail_day - np.minimum(last_day, mail_day), 0, None) / 365
        logit = (base + 0.6 * income_z - 0.8 * recency + 0.25 * np.log1p(n_orders)
                 + 1.2 * accepted_before + 0.25 * (people["children"] == 0) + rng.normal(0, 0.3, len(seg)))
        responded = (rng.random(len(seg)) < 1 / (1 + np.exp(-logit))) & mailed
        idx = np.flatnonzero(mailed)
        out["customer"].append(idx)
        out["campaign_id"].append(np.full(len(idx), campaign_id))
        out["mailed_at"].append(np.full(len(idx), np.datetime64(mailed_at.date())))
        out["responded"].append(responded[idx])
        accepted_before |= responded
    return {k: np.concatenate(v) for k, v in out.items()}


def _write(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", row_group_size=1_000_000)


def generate_world(spec: WorldSpec, out_dir: Path | str, progress: bool = True) -> dict:
    """Write the world described by ``spec`` to ``out_dir``; return its row counts."""
    from tqdm import tqdm

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for sub in ("population", "customers", "order_lines", "campaign_responses"):
        for old in (out / sub).glob("part-*.parquet"):
            old.unlink()
    catalog = _catalog()
    n_people = spec.population
    n_chunks = max(1, math.ceil(n_people / PEOPLE_PER_CHUNK))
    counts = {"population": 0, "customers": 0, "order_lines": 0, "campaign_responses": 0}
    next_customer, next_invoice = 1, 500_000
    truth_path = out / "segments_truth.csv"
    with truth_path.open("w", newline="\n") as truth:
        truth.write("customer_id,true_segment\n")
        for chunk in tqdm(range(n_chunks), desc="generating world", unit="chunk", disable=not progress):
            rng = np.random.default_rng([spec.draw_seed, chunk])
            first_person = chunk * PEOPLE_PER_CHUNK
            n = min(PEOPLE_PER_CHUNK, n_people - first_person)
            people = _people(rng, n, first_person)
            part = f"part-{chunk:05d}.parquet"
            _write(pa.table({k: people[k] for k in (
                "person_id", "birth_year", "education", "marital_status", "children",
                "household_size", "income", "region")}), out / "population" / part)

            cidx = np.flatnonzero(people["is_customer"])
            seg = people["segment"][cidx]
            customer_id = _ids("C", next_customer, len(cidx), 7)
            next_customer += len(cidx)
            cust_people = {k: v[cidx] for k, v in people.items()}

            orders = _orders(rng, seg)
            n_orders = np.bincount(orders["customer"], minlength=len(seg))
            first_day = np.full(len(seg), WINDOW_DAYS, dtype=np.int64)
            np.minimum.at(first_day, orders["customer"], orders["day"])
            last_day = np.zeros(len(seg), dtype=np.int64)
            np.maximum.at(last_day, orders["customer"], orders["day"])
            signed_up_day = first_day - rng.integers(0, 60, len(seg))
            _write(pa.table({
                "customer_id": customer_id,
                "person_id": cust_people["person_id"],
                "signed_up_at": np.datetime64(WINDOW_START.date()) + signed_up_day.astype("timedelta64[D]"),
            }), out / "customers" / part)

            lines = _lines(rng, seg, orders, catalog)
            raw, next_invoice = dirt.assemble_order_lines(
                rng, lines, orders, customer_id, next_invoice, WINDOW_START,
                (catalog[0], catalog[1], np.array(CATEGORIES)[catalog[2]]))
            del lines, orders
            _write(raw, out / "order_lines" / part)

            camp = _campaigns(rng, seg, cust_people, first_day, last_day, n_orders)
            _write(pa.table({
                "customer_id": customer_id[camp["customer"]],
                "campaign_id": camp["campaign_id"],
                "mailed_at": camp["mailed_at"],
                "responded": camp["responded"].astype(np.int64),
            }), out / "campaign_responses" / part)

            names = np.array([s.name for s in SEGMENTS])[seg]
            truth.writelines(f"{c},{s}\n" for c, s in zip(customer_id, names))
            counts["population"] += n
            counts["customers"] += len(cidx)
            counts["order_lines"] += raw.num_rows
            counts["campaign_responses"] += len(camp["customer"])
    spec_meta = {k: v for k, v in asdict(spec).items() if not (k == "customer_seed" and v is None)}
    meta = {"spec": spec_meta, "counts": counts, "campaigns": [c for c, _ in CAMPAIGNS]}
    (out / "world.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return counts
