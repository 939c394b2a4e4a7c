"""clv_model_parameters: the CLV model as data. BG/NBD (r, alpha, a, b: repeat purchases and drop-out) and
Gamma-Gamma (p, q, v: spend per purchase) fitted on the CLV summary of customer_rfm, one row per model and
parameter, with the fit's sample size and convergence. customer_clv scores every customer from it in SQL.

Logic: custseg.clv.models.clv_model_parameters (tested with pytest); settings: var 'clv' (custseg/clv/settings.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    overrides = dbt.config.get("clv")

    from custseg.clv.models import SUMMARY_COLUMNS, clv_model_parameters
    from custseg.dbt_io import to_arrow, to_table

    summary = to_arrow(dbt.ref("customer_rfm"), columns=SUMMARY_COLUMNS)
    return to_table(clv_model_parameters(summary, overrides, table_name="customer_rfm"))
