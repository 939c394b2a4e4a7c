"""Turn clean generated orders into a raw export with the dirt real exports carry.

Shares are per order or per line, close to what the UCI Online Retail export shows:
guest orders without a customer id, cancellations (``C`` invoices with negative
quantities), postage lines (non-product stock code ``POST``), zero prices and exact
duplicate lines. The staging layer must account for every one of these rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

GUEST_ORDER_SHARE = 0.02
CANCELLED_ORDER_SHARE = 0.015
POSTAGE_ORDER_SHARE = 0.04
ZERO_PRICE_LINE_SHARE = 0.003
DUPLICATE_LINE_SHARE = 0.005
POSTAGE_PRICE = 5.0


def assemble_order_lines(rng: np.random.Generator, lines: dict, orders: dict, customer_id: np.ndarray,
                         first_invoice: int, window_start: dt.datetime) -> tuple[pa.Table, int]:
    """Return the raw order-line table of one chunk and the next free invoice number."""
    n_orders = len(orders["day"])
    invoice = first_invoice + np.arange(n_orders)
    order_ts = (np.datetime64(window_start, "s") + orders["day"].astype("timedelta64[D]")
                + orders["seconds"].astype("timedelta64[s]"))
    order_cust = customer_id[orders["customer"]].astype(object)
    channel = np.array(["web", "store", "catalog"])[orders["channel"]]
    next_invoice = first_invoice + n_orders

    o = lines["order"]
    cols = {
        "invoice_no": invoice[o].astype(str).astype(object),
        "stock_code": lines["stock_code"].astype(object),
        "description": lines["description"].astype(object),
        "category": lines["category"].astype(object),
        "channel": channel[o].astype(object),
        "quantity": lines["quantity"].copy(),
        "unit_price": lines["unit_price"].copy(),
        "invoice_date": order_ts[o],
        "customer_id": order_cust[o],
    }
    zero = rng.random(len(o)) < ZERO_PRICE_LINE_SHARE
    cols["unit_price"][zero] = 0.0
    parts = [cols]

    # Postage: one POST line on some orders.
    post = np.flatnonzero(rng.random(n_orders) < POSTAGE_ORDER_SHARE)
    parts.append({
        "invoice_no": invoice[post].astype(str).astype(object),
        "stock_code": np.full(len(post), "POST", dtype=object),
        "description": np.full(len(post), "POSTAGE", dtype=object),
        "category": np.full(len(post), None, dtype=object),
        "channel": channel[post].astype(object),
        "quantity": np.ones(len(post), dtype=np.int64),
        "unit_price": np.full(len(post), POSTAGE_PRICE),
        "invoice_date": order_ts[post],
        "customer_id": order_cust[post],
    })

    # Cancellations: a C invoice a few days later repeats the order's lines with negative quantity.
    cancelled = rng.random(n_orders) < CANCELLED_ORDER_SHARE
    sel = cancelled[o]
    delay = rng.integers(1, 10, n_orders).astype("timedelta64[D]")
    parts.append({
        "invoice_no": np.char.add("C", invoice[o[sel]].astype(str)).astype(object),
        "stock_code": cols["stock_code"][sel], "description": cols["description"][sel],
        "category": cols["category"][sel], "channel": cols["channel"][sel],
        "quantity": -cols["quantity"][sel], "unit_price": cols["unit_price"][sel],
        "invoice_date": (order_ts + delay)[o[sel]], "customer_id": cols["customer_id"][sel],
    })

    # Guest orders: copies of some orders under new invoices, without a customer id.
    guest = rng.random(n_orders) < GUEST_ORDER_SHARE
    gidx = np.flatnonzero(guest)
    guest_invoice = np.full(n_orders, -1)
    guest_invoice[gidx] = next_invoice + np.arange(len(gidx))
    next_invoice += len(gidx)
    sel = guest[o]
    parts.append({
        "invoice_no": guest_invoice[o[sel]].astype(str).astype(object),
        "stock_code": cols["stock_code"][sel], "description": cols["description"][sel],
        "category": cols["category"][sel], "channel": cols["channel"][sel],
        "quantity": cols["quantity"][sel], "unit_price": cols["unit_price"][sel],
        "invoice_date": cols["invoice_date"][sel], "customer_id": np.full(sel.sum(), None, dtype=object),
    })

    merged = {k: np.concatenate([p[k] for p in parts]) for k in cols}
    # Exact duplicates: some lines appear twice.
    dup = np.flatnonzero(rng.random(len(merged["quantity"])) < DUPLICATE_LINE_SHARE)
    merged = {k: np.concatenate([v, v[dup]]) for k, v in merged.items()}
    order_by = np.lexsort((merged["stock_code"].astype(str), merged["invoice_no"].astype(str),
                           merged["invoice_date"]))
    merged = {k: v[order_by] for k, v in merged.items()}
    table = pa.table({
        "invoice_no": pa.array(merged["invoice_no"], pa.string()),
        "stock_code": pa.array(merged["stock_code"], pa.string()),
        "description": pa.array(merged["description"], pa.string()),
        "category": pa.array(merged["category"], pa.string()),
        "channel": pa.array(merged["channel"], pa.string()),
        "quantity": pa.array(merged["quantity"], pa.int64()),
        "unit_price": pa.array(merged["unit_price"], pa.float64()),
        "invoice_date": pa.array(merged["invoice_date"].astype("datetime64[s]"), pa.timestamp("s")),
        "customer_id": pa.array(merged["customer_id"], pa.string()),
    })
    return table, next_invoice
