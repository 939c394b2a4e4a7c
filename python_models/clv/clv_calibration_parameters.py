"""clv_calibration_parameters: the CLV model fitted as clv_model_parameters is, but on the calibration period
of the time split (int_clv_calibration_summary: every order before the current as-of date minus var
clv.holdout_days). clv_holdout_predictions scores it in SQL against the purchases of the holdout period.

Logic: custseg.clv.models.clv_model_parameters (tested with pytest); settings: var 'clv' (custseg/clv/settings.py).
"""


def model(dbt, session):
    dbt.config(materialized="table")
    overrides = dbt.config.get("clv")

    from custseg.clv.models import SUMMARY_COLUMNS, clv_model_parameters
    from custseg.dbt_io import to_arrow, to_table

    summary = to_arrow(dbt.ref("int_clv_calibration_summary"), columns=SUMMARY_COLUMNS)
    return to_table(clv_model_parameters(summary, overrides, table_name="int_clv_calibration_summary"))
