"""Long steps say what they are doing at least every 15 s, in dbt's log style: custseg.progress's heartbeat, the
fits (custseg.fit_cache.memoized) and the publish."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from custseg import fit_cache, progress


@pytest.fixture
def said(monkeypatch):
    lines: list[tuple[float, str]] = []
    monkeypatch.setattr(progress, "say", lambda message: lines.append((time.perf_counter(), message)))
    return lines


def test_a_heartbeat_says_start_stage_and_end_at_least_every_period(said):
    with progress.heartbeat("fitting things", every=0.05) as beat:
        beat.stage = "k = 3"
        time.sleep(0.4)
    messages = [m for _, m in said]
    assert messages[0] == "fitting things: started"
    assert messages[-1].startswith("fitting things: done in ")
    beats = messages[1:-1]
    assert len(beats) >= 4 and all(m.startswith("fitting things: k = 3, ") and m.endswith(" s so far") for m in beats)
    gaps = [b - a for (a, _), (b, _) in zip(said, said[1:])]
    assert max(gaps) < 0.3


def test_a_fit_reports_itself_and_a_cache_hit_says_so(said, monkeypatch, tmp_path):
    monkeypatch.setenv("CUSTSEG_FIT_CACHE_DIR", str(tmp_path))
    assert fit_cache.memoized("demo", "key1", lambda: 42) == 42
    assert [m for _, m in said][0] == "fit demo: started" and said[-1][1].startswith("fit demo: done in ")
    said.clear()
    assert fit_cache.memoized("demo", "key1", lambda: 0) == 42
    assert len(said) == 1 and said[0][1].startswith("fit demo: loaded from the fit cache")


@pytest.mark.parametrize("prelude", ["import dbt.cli.main; ", ""], ids=["in a dbt process", "outside dbt"])
def test_progress_lines_are_printed_in_dbts_log_style(prelude):
    # in a fresh interpreter: through dbt's events in a dbt process, printed in the same format outside one
    out = subprocess.run([sys.executable, "-c", prelude + "from custseg.progress import say; say('a line')"],
                         capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.endswith("custseg: a line"))
    stamp = line.split("custseg:")[0].replace("\x1b[0m", "").strip()
    assert re.fullmatch(r"\d\d:\d\d:\d\d", stamp), line  # dbt's "HH:MM:SS  message"
    assert line.startswith("\x1b[0m") == bool(prelude)  # dbt's own logger resets the colour first


def test_fit_key_is_the_rows_not_their_order():
    import pandas as pd

    df = pd.DataFrame({"customer_id": ["a", "b", "c"], "x": [1.0, 2.0, 3.0]})
    key = fit_cache.fit_key("demo", [df], {"k": 3})
    assert fit_cache.fit_key("demo", [df.iloc[::-1]], {"k": 3}) == key  # a SQL table's rows in another order
    assert fit_cache.fit_key("demo", [df.assign(x=[1.0, 2.0, 4.0])], {"k": 3}) != key
    assert fit_cache.fit_key("demo", [df], {"k": 4}) != key
