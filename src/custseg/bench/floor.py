"""The floor: the same cleaning and features as one bare DuckDB query, then the same fits.

No dbt, no tests, no report: the least work that produces the same matrices. The project's
build is measured against this.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from custseg.bench.fits import CATEGORIES, CHANNELS


def floor_features(raw_dir: Path | str, response_campaign: str = "winter_2026") -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = Path(raw_dir)
    shares = ",\n".join(
        [f"sum(case when category = '{c}' then amount else 0 end) / nullif(sum(amount), 0) as spend_share_{c}"
         for c in CATEGORIES]
        + [f"count(distinct case when channel = '{c}' then invoice_no end) / count(distinct invoice_no) "
           f"as channel_share_{c}" for c in CHANNELS])
    sql = f"""
    with lines as (
        select *, cast(quantity * unit_price as decimal(18, 4)) as amount, invoice_no like 'C%' as is_return
        from (select distinct * from read_parquet('{raw}/order_lines/*.parquet'))
        where customer_id is not null and unit_price > 0 and quantity <> 0
          and substr(stock_code, 1, 1) between '0' and '9'
    ),
    clean as (select * from lines where quantity > 0 or is_return),
    as_of as (select cast(max(invoice_date) as date) + 1 as d from clean),
    purchases as (select * from clean where not is_return),
    rfm as (
        select customer_id, count(distinct invoice_no) as frequency,
               cast(sum(amount) as double) as gross,
               date_diff('day', cast(max(invoice_date) as date), (select d from as_of)) as recency_days,
               date_diff('day', cast(min(invoice_date) as date), (select d from as_of)) as tenure_days,
               {shares}
        from purchases group by customer_id
    ),
    returns as (select customer_id, cast(sum(amount) as double) as returned from clean where is_return group by 1),
    demo as (
        select c.customer_id, year((select d from as_of)) - p.birth_year as age, p.income, p.household_size,
               p.children
        from read_parquet('{raw}/customers/*.parquet') c
        left join read_parquet('{raw}/population/*.parquet') p using (person_id)
    )
    select rfm.*, rfm.gross + coalesce(returns.returned, 0) as monetary, rfm.gross / rfm.frequency
           as average_order_value, demo.age, demo.income, demo.household_size, demo.children
    from rfm left join returns using (customer_id) left join demo using (customer_id)
    order by customer_id
    """
    con = duckdb.connect()
    features = con.sql(sql).df()
    training = con.sql(f"""
        select f.*, r.responded as label, coalesce(p.past, 0) as past_campaign_acceptances
        from features f
        join read_parquet('{raw}/campaign_responses/*.parquet') r
          on r.customer_id = f.customer_id and r.campaign_id = '{response_campaign}'
        left join (select customer_id, sum(responded) as past
                   from read_parquet('{raw}/campaign_responses/*.parquet')
                   where campaign_id <> '{response_campaign}' group by 1) p on p.customer_id = f.customer_id
        order by f.customer_id""").df()
    return features, training
