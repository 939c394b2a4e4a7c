"""Imported by the worker processes' fork server only (custseg.workers): mark the parent's main script as loaded.

A worker started from a fork server first runs the parent's main script again, unless its ``__main__``
already has that file name. Python 3.11's fork server never preloads the main script itself (its
``'__main__'`` preload is not given the path), so for dbt every worker imported dbt again (~3 s each).
The parent passes its main file in ``CUSTSEG_WORKER_PARENT_MAIN``; the server adopts the name, and the
workers forked from it skip the re-run. Work sent to the workers never refers to ``__main__``.
"""

import os
import sys

_parent_main = os.environ.get("CUSTSEG_WORKER_PARENT_MAIN")
if _parent_main:
    sys.modules["__main__"].__file__ = _parent_main
