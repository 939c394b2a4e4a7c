"""The synthetic world: deterministic, planted segments, realistic dirt."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from custseg.generate import WorldSpec, generate_world
from custseg.generate.segments import SEGMENTS


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate_world(WorldSpec(customers=800, seed=3), a, progress=False)
    generate_world(WorldSpec(customers=800, seed=3), b, progress=False)
    assert _digest(a) == _digest(b)


def test_other_seed_gives_other_data(tmp_path):
    generate_world(WorldSpec(customers=800, seed=3), tmp_path / "a", progress=False)
    generate_world(WorldSpec(customers=800, seed=4), tmp_path / "b", progress=False)
    assert _digest(tmp_path / "a")["order_lines/part-00000.parquet"] != \
        _digest(tmp_path / "b")["order_lines/part-00000.parquet"]


def test_counts_and_layout(small_world):
    meta = json.loads((small_world / "world.json").read_text())
    counts = meta["counts"]
    assert 1_700 <= counts["customers"] <= 2_300  # "about" the requested 2,000
    con = duckdb.connect()
    n_lines = con.sql(f"select count(*) from read_parquet('{small_world}/order_lines/*.parquet')").fetchall()[0][0]
    n_truth = con.sql(f"select count(*) from read_csv('{small_world}/segments_truth.csv')").fetchall()[0][0]
    assert n_lines == counts["order_lines"]
    assert n_truth == counts["customers"]


def test_every_planted_segment_has_customers(small_world):
    con = duckdb.connect()
    rows = dict(con.sql(
        f"select true_segment, count(*) from read_csv('{small_world}/segments_truth.csv') group by 1").fetchall())
    assert set(rows) == {s.name for s in SEGMENTS}
    assert min(rows.values()) >= 100


def test_segments_buy_differently(small_world):
    """Planted segments differ in frequency: loyalists order far more often than one-timers."""
    con = duckdb.connect()
    freq = dict(con.sql(f"""
        select t.true_segment, avg(n) from (
            select customer_id, count(distinct invoice_no) as n
            from read_parquet('{small_world}/order_lines/*.parquet')
            where customer_id is not null and invoice_no not like 'C%' group by 1) o
        join read_csv('{small_world}/segments_truth.csv') t using (customer_id) group by 1""").fetchall())
    assert freq["affluent_loyalists"] > 5 * freq["lapsed_one_timers"]


@pytest.mark.parametrize("flag_sql, low, high", [
    ("customer_id is null", 0.01, 0.04),                      # guest lines
    ("invoice_no like 'C%'", 0.005, 0.03),                     # cancellations
    ("stock_code = 'POST'", 0.002, 0.02),                      # postage lines
    ("unit_price = 0", 0.001, 0.006),                          # zero prices
])
def test_dirt_shares(small_world, flag_sql, low, high):
    con = duckdb.connect()
    share = con.sql(f"select avg(case when {flag_sql} then 1.0 else 0 end) "
                    f"from read_parquet('{small_world}/order_lines/*.parquet')").fetchall()[0][0]
    assert low <= share <= high, (flag_sql, share)


def test_exact_duplicates_present(small_world):
    con = duckdb.connect()
    dups = con.sql(f"""select count(*) - count(distinct (invoice_no, stock_code, description, category, channel,
                       quantity, unit_price, invoice_date, customer_id))
                       from read_parquet('{small_world}/order_lines/*.parquet')""").fetchall()[0][0]
    assert dups > 0


def test_campaign_response_depends_on_segment(small_world):
    con = duckdb.connect()
    rate = dict(con.sql(f"""
        select t.true_segment, avg(responded) from read_parquet('{small_world}/campaign_responses/*.parquet') r
        join read_csv('{small_world}/segments_truth.csv') t using (customer_id)
        where campaign_id = 'winter_2026' group by 1""").fetchall())
    assert rate["affluent_loyalists"] > 3 * rate["lapsed_one_timers"]


def test_size_by_order_lines(tmp_path):
    spec = WorldSpec.for_order_lines(60_000, seed=1)
    counts = generate_world(spec, tmp_path, progress=False)
    assert 40_000 <= counts["order_lines"] <= 80_000
