"""Turn clean generated orders into a raw export with the dirt real exports carry.

Shares are per order or per line, close to what the UCI Online Retail export shows:
guest orders without a customer id, cancellations (``C`` invoices with negative
quantities), postage lines (non-product stock code ``POST``), zero prices and exact
duplicate lines. The staging layer must account for every one of these rows.

Everything is kept as integer codes until the final Arrow table is built (strings are
taken from small lookup arrays), which keeps memory and time low at tens of millions of lines.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

GUEST_ORDER_SHARE = 0.02
CANCELLED_ORDER_SHARE = 0.015
POSTAGE_ORDER_SHARE = 0.04
ZERO_PRICE_LINE_SHARE = 0.003
DUPLICATE_LINE_SHARE = 0.005
POSTAGE_PRICE = 5.0


def assemble_order_lines(rng: np.random.Generator, lines: dict, orders: dict, customer_id: np.ndarray,
                         first_invoice: int, window_start: dt.datetime,
                         catalog: tuple) -> tuple[pa.Table, int]:
    """Return the raw order-line table of one chunk and the next free invoice number.

    ``lines["product"]`` indexes ``catalog`` (codes, descriptions, category names per product);
    product index -1 is the postage line.
    """
    n_orders = len(orders["day"])
    invoice = first_invoice + np.arange(n_orders, dtype=np.int64)
    order_ts = (orders["day"].astype(np.int64) * 86_400 + orders["seconds"].astype(np.int64))
    next_invoice = first_invoice + n_orders

    o = lines["order"]
    unit_price = lines["unit_price"].copy()
    unit_price[rng.random(len(o)) < ZERO_PRICE_LINE_SHARE] = 0.0
    base = {
        "invoice": invoice[o], "is_cancel": np.zeros(len(o), bool), "product": lines["product"],
        "channel": orders["channel"][o], "quantity": lines["quantity"], "unit_price": unit_price,
        "ts": order_ts[o], "customer": orders["customer"][o],
    }
    parts = [base]

    # Postage: one POST line on some orders.
    post = np.flatnonzero(rng.random(n_orders) < POSTAGE_ORDER_SHARE)
    parts.append({
        "invoice": invoice[post], "is_cancel": np.zeros(len(post), bool),
        "product": np.full(len(post), -1), "channel": orders["channel"][post],
        "quantity": np.ones(len(post), dtype=np.int64), "unit_price": np.full(len(post), POSTAGE_PRICE),
        "ts": order_ts[post], "customer": orders["customer"][post],
    })

    # Cancellations: a C invoice a few days later repeats the order's lines with negative quantity.
    cancelled = rng.random(n_orders) < CANCELLED_ORDER_SHARE
    delay = rng.integers(1, 10, n_orders) * 86_400
    sel = cancelled[o]
    parts.append({k: v[sel] for k, v in base.items()} | {
        "is_cancel": np.ones(sel.sum(), bool), "quantity": -base["quantity"][sel],
        "ts": (order_ts + delay)[o[sel]],
    })

    # Guest orders: copies of some orders under new invoices, without a customer id (-1).
    guest = rng.random(n_orders) < GUEST_ORDER_SHARE
    guest_invoice = np.full(n_orders, -1, dtype=np.int64)
    gidx = np.flatnonzero(guest)
    guest_invoice[gidx] = next_invoice + np.arange(len(gidx))
    next_invoice += len(gidx)
    sel = guest[o]
    parts.append({k: v[sel] for k, v in base.items()} | {
        "invoice": guest_invoice[o[sel]], "customer": np.full(sel.sum(), -1),
    })

    merged = {k: np.concatenate([p[k] for p in parts]) for k in base}
    del parts, base
    # Exact duplicates: some lines appear twice.
    dup = np.flatnonzero(rng.random(len(merged["quantity"])) < DUPLICATE_LINE_SHARE)
    merged = {k: np.concatenate([v, v[dup]]) for k, v in merged.items()}
    order_by = np.lexsort((merged["product"], merged["is_cancel"], merged["invoice"], merged["ts"]))
    merged = {k: v[order_by] for k, v in merged.items()}
    return _to_arrow(merged, customer_id, window_start, catalog), next_invoice


def _to_arrow(m: dict, customer_id: np.ndarray, window_start: dt.datetime, catalog: tuple) -> pa.Table:
    codes, descriptions, categories = catalog
    product = m["product"]
    is_post = product < 0
    pidx = pa.array(np.where(is_post, 0, product))
    invoice = pc.cast(pa.array(m["invoice"]), pa.string())
    invoice = pc.if_else(pa.array(m["is_cancel"]), pc.binary_join_element_wise("C", invoice, ""), invoice)
    post_mask = pa.array(is_post)
    customer = pa.array(customer_id).take(pa.array(np.maximum(m["customer"], 0)))
    customer = pc.if_else(pa.array(m["customer"] < 0), pa.scalar(None, pa.string()), customer)
    start = np.datetime64(window_start, "s").astype(np.int64)
    return pa.table({
        "invoice_no": invoice,
        "stock_code": pc.if_else(post_mask, "POST", pa.array(codes).take(pidx)),
        "description": pc.if_else(post_mask, "POSTAGE", pa.array(descriptions).take(pidx)),
        "category": pc.if_else(post_mask, pa.scalar(None, pa.string()), pa.array(categories).take(pidx)),
        "channel": pa.array(np.array(["web", "store", "catalog"])).take(pa.array(m["channel"])),
        "quantity": pa.array(m["quantity"].astype(np.int64)),
        "unit_price": pa.array(m["unit_price"].astype(np.float64)),
        "invoice_date": pa.array((start + m["ts"]).astype("datetime64[s]"), pa.timestamp("s")),
        "customer_id": customer,
    })
