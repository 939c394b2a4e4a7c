"""The floor: the same cleaning and features as bare DuckDB queries, then the same fits.

No dbt, no tests, no quality checks, no report: the least work that produces the same matrices
as the project (customer features at the current as-of date, the response training set at the
target campaign's mailing date, the population members), fed to the same fits
(:mod:`custseg.bench.fits`). The project's build is measured against this.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from custseg.bench.fits import CATEGORIES, CHANNELS, SEEDS_DIR


def floor_features(raw_dir: Path | str, response_campaign: str = "winter_2026"
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(customer features, response training set, population members), one DuckDB connection."""
    raw = Path(raw_dir)
    shares = ",\n".join(
        [f"sum(case when category = '{c}' then amount else 0 end) / nullif(sum(amount), 0) as spend_share_{c}"
         for c in CATEGORIES]
        + [f"count(distinct case when channel = '{c}' then invoice_no end) / count(distinct invoice_no) "
           f"as channel_share_{c}" for c in CHANNELS])
    con = duckdb.connect()
    con.execute(f"""
    create table clean as
    with lines as (
        select *, cast(quantity * unit_price as decimal(18, 4)) as amount, invoice_no like 'C%' as is_return
        from (select distinct * from read_parquet('{raw}/order_lines/*.parquet'))
        where customer_id is not null and unit_price > 0 and quantity <> 0
          and substr(stock_code, 1, 1) between '0' and '9'
    )
    select customer_id, invoice_no, category, channel, invoice_date, amount, is_return
    from lines where quantity > 0 or is_return""")
    con.execute(f"""
    create table snapshots as
    select 'current' as snapshot_name, cast(max(invoice_date) as date) + 1 as as_of_date from clean
    union all
    select 'response', cast(min(mailed_at) as date) from read_parquet('{raw}/campaign_responses/*.parquet')
    where campaign_id = '{response_campaign}'""")
    features_sql = f"""
    with lines as (
        select s.snapshot_name, s.as_of_date, c.* from clean c
        join snapshots s on c.invoice_date < cast(s.as_of_date as timestamp)
    ),
    rfm as (
        select snapshot_name, customer_id, count(distinct invoice_no) as frequency,
               cast(sum(amount) as double) as gross,
               date_diff('day', cast(max(invoice_date) as date), any_value(as_of_date)) as recency_days,
               date_diff('day', cast(min(invoice_date) as date), any_value(as_of_date)) as tenure_days,
               {shares}
        from lines where not is_return group by snapshot_name, customer_id
    ),
    returns as (
        select snapshot_name, customer_id, cast(sum(amount) as double) as returned
        from lines where is_return group by 1, 2
    ),
    demo as (
        select c.customer_id, p.person_id, p.birth_year, p.income, p.household_size, p.children,
               e.education_level, m.is_partnered, cast(c.signed_up_at as date) as signed_up_on
        from read_parquet('{raw}/customers/*.parquet') c
        left join read_parquet('{raw}/population/*.parquet') p using (person_id)
        left join read_csv('{SEEDS_DIR}/features/education_levels.csv') e on lower(p.education) = lower(e.education)
        left join read_csv('{SEEDS_DIR}/features/marital_statuses.csv') m
          on lower(p.marital_status) = m.marital_status
    ),
    past as (
        select customer_id, sum(responded) as past_campaign_acceptances
        from read_parquet('{raw}/campaign_responses/*.parquet')
        where campaign_id <> '{response_campaign}' group by 1
    ),
    target as (
        select customer_id, max(responded) as label
        from read_parquet('{raw}/campaign_responses/*.parquet')
        where campaign_id = '{response_campaign}' group by 1
    )
    select rfm.*, rfm.gross + coalesce(returns.returned, 0) as monetary,
           rfm.gross / rfm.frequency as average_order_value,
           year(s.as_of_date) - demo.birth_year as age, demo.income, demo.household_size, demo.children,
           demo.education_level, cast(demo.is_partnered as integer) as is_partnered,
           date_diff('day', demo.signed_up_on, s.as_of_date) as days_since_signup,
           coalesce(past.past_campaign_acceptances, 0) as past_campaign_acceptances, target.label
    from rfm
    join snapshots s using (snapshot_name)
    left join returns using (snapshot_name, customer_id)
    left join demo using (customer_id)
    left join past using (customer_id)
    left join target using (customer_id)
    order by snapshot_name, customer_id
    """
    both = con.sql(features_sql).df()
    features = both[both["snapshot_name"] == "current"].drop(columns=["snapshot_name", "label"])
    training = both[both["snapshot_name"] == "response"].drop(columns="snapshot_name")
    population = con.sql(f"""
        select p.person_id, c.customer_id is not null as is_customer,
               (select year(as_of_date) from snapshots where snapshot_name = 'current') - p.birth_year as age,
               p.income, p.household_size, p.children
        from read_parquet('{raw}/population/*.parquet') p
        left join (select distinct person_id, customer_id from read_parquet('{raw}/customers/*.parquet')) c
          using (person_id)
        order by p.person_id""").df()
    return features.reset_index(drop=True), training.reset_index(drop=True), population
