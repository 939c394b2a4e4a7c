"""Predicted customer lifetime value: BG/NBD purchases and Gamma-Gamma spend, stored as tables, scored in SQL.

Modules (one idea each):

* :mod:`~custseg.clv.bgnbd` - the BG/NBD fit (lifetimes' objective, analytic gradient), p(alive), expected purchases
* :mod:`~custseg.clv.gamma_gamma` - the Gamma-Gamma fit and the expected spend per purchase
* :mod:`~custseg.clv.settings` - var ``clv``: the fits' settings
* :mod:`~custseg.clv.models` - what the dbt Python models call: the fitted models as a table, and the check
"""
