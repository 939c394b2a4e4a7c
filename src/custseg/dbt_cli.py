"""``dbt`` as the Makefile runs it: ``python -m custseg.dbt_cli build ...`` is ``dbt build ...``, with two
differences that only change how long it takes:

- for ``build`` and ``run``, the worker processes' fork server (custseg.workers) starts before dbt parses the
  project. dbt's parse keeps one core busy for ~12 s at the start of a cold build, with the other core idle;
  the fork server's imports (scikit-learn and the fitting code, ~4 s) run on that idle core instead of
  delaying the first fit;
- once dbt is done (its connections closed, its artifacts and logs written) and the worker processes have
  stopped, the process exits without the interpreter's teardown of dbt's heap (~1.4 s at the end of every
  build, with nothing left to do).

The arguments, the output and the exit code are dbt's own. This module imports nothing heavy at the top: each
worker process imports it as the parent's main module.
"""

from __future__ import annotations

import sys
from typing import NoReturn

EARLY_START_COMMANDS = {"build", "run"}


def exit_code(code: object) -> int:
    """The process exit code for a ``SystemExit`` code (``None``: 0; a message: printed, 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> NoReturn:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in EARLY_START_COMMANDS:
        from custseg.workers import start_early

        start_early()
    from dbt.cli.main import cli

    sys.argv = ["dbt", *args]
    try:
        code = exit_code(cli())
    except SystemExit as done:  # click's standalone mode ends with sys.exit
        code = exit_code(done.code)
    exit_now(code)


def exit_now(code: int) -> NoReturn:
    """Stop the worker processes, flush the logs and the output, and end the process with ``code`` at once,
    skipping the interpreter's teardown."""
    import logging
    import os
    from multiprocessing import util

    from custseg.workers import shutdown

    shutdown()
    util._exit_function()  # what multiprocessing runs at exit: its finalizers (the pool's semaphores)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
