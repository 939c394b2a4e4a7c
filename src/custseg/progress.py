"""Progress lines of long steps, in dbt's log style (``HH:MM:SS  custseg: ...``, to stdout and dbt's log file).

dbt-duckdb runs the Python models and the publish plugin inside the dbt process, so a line fired through dbt's
event system (what Jinja's ``{{ log(msg, info=true) }}`` fires) prints like dbt's own; outside dbt the same call
prints too. :func:`heartbeat` says when a step starts and ends, and every ``every`` seconds (10: at least one
line per 15 s) while it runs, with the step's current stage (``beat.stage = ...``).
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

HEARTBEAT_SECONDS = 10.0


def say(message: str) -> None:
    """One line ``custseg: <message>`` in dbt's log style: through dbt's events in a dbt process (its stdout and
    log file), else printed. (Outside dbt, dbt's default logger writes to the stdout there was when it was first
    imported, which a test runner may have closed since.)"""
    if "dbt.cli.main" not in sys.modules:  # not a dbt process: a test, the report or publish command
        print(f"{time.strftime('%H:%M:%S')}  custseg: {message}", flush=True)
        return
    from dbt.events.types import JinjaLogInfo
    from dbt_common.events.contextvars import get_node_info
    from dbt_common.events.functions import fire_event

    fire_event(JinjaLogInfo(msg=f"custseg: {message}", node_info=get_node_info()))


class Beat:
    def __init__(self, step: str):
        self.step, self.stage, self.started = step, "", time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def line(self) -> str:
        return f"{self.step}: {self.stage + ', ' if self.stage else ''}{self.seconds:.0f} s so far"


@contextmanager
def heartbeat(step: str, every: float = HEARTBEAT_SECONDS) -> Iterator[Beat]:
    """Say ``step`` started, then a line every ``every`` seconds while the block runs, then that it ended."""
    beat = Beat(step)
    stop = threading.Event()
    say(f"{step}: started")

    def run() -> None:
        while not stop.wait(every):
            say(beat.line())

    thread = threading.Thread(target=run, name=f"custseg-heartbeat-{step}", daemon=True)
    thread.start()
    try:
        yield beat
    finally:
        stop.set()
        thread.join()
    say(f"{step}: done in {beat.seconds:.1f} s")


def reported(step: str, every: float = HEARTBEAT_SECONDS) -> Callable:
    """Decorator: the function runs inside :func:`heartbeat` ``(step)``."""
    def wrap(function: Callable) -> Callable:
        @functools.wraps(function)
        def run(*args, **kwargs):
            with heartbeat(step, every):
                return function(*args, **kwargs)
        return run
    return wrap
