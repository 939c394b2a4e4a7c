# dbt reads an adapter's version here (dbt --version, dbt debug): custseg's own, whose adapter type this is.
from custseg import __version__ as version  # noqa: F401
