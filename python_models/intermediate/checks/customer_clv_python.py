"""customer_clv_python: the check of the CLV scores. Every customer of customer_clv scored in Python from the
stored parameters (clv_model_parameters) and the CLV summary of customer_rfm, over customer_clv's horizon:
p(alive), expected purchases (the series of custseg.clv.bgnbd.euler_series_tail) and expected order value. A data
test requires the SQL of macro score_clv to agree within 1e-9.

Logic: custseg.clv.models.customer_clv_python (tested with pytest).
"""


def model(dbt, session):
    dbt.config(materialized="table")

    from custseg.clv.models import SUMMARY_COLUMNS, customer_clv_python
    from custseg.dbt_io import to_arrow, to_table

    summary = to_arrow(dbt.ref("customer_rfm"), columns=SUMMARY_COLUMNS)
    parameters = to_arrow(dbt.ref("clv_model_parameters"))
    horizons = to_arrow(dbt.ref("customer_clv"), columns=["customer_id", "horizon_days"])
    return to_table(customer_clv_python(summary, parameters, horizons))
