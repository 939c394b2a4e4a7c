"""custseg: the Python side of the customer-segments warehouse.

Everything that is not a dbt model lives here: the synthetic data generator, the
machine-learning logic that the dbt Python models call, the report and the CLI.
"""

__version__ = "0.1.0"
