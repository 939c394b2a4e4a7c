"""custseg.workers.run_in_worker: with CUSTSEG_WORKER_PROCESSES a fit runs in a worker process, same result."""

from __future__ import annotations

import os
from functools import partial

import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from custseg import workers
from custseg.segmentation import fit_segments

FEATURES = ["recency_days", "frequency", "monetary"]


def _frame() -> pd.DataFrame:
    x, _ = make_blobs(n_samples=400, centers=3, n_features=len(FEATURES), random_state=1)
    df = pd.DataFrame(x, columns=FEATURES)
    df.insert(0, "customer_id", [f"C{i:04d}" for i in range(len(df))])
    return df


def test_unset_fits_in_this_process(monkeypatch):
    monkeypatch.delenv(workers.ENV_VAR, raising=False)
    assert workers.worker_processes() == 0
    assert workers.run_in_worker(os.getpid) == os.getpid()


def test_a_worker_process_gives_the_same_fit(monkeypatch):
    monkeypatch.setenv(workers.ENV_VAR, "1")
    assert workers.run_in_worker(os.getpid) != os.getpid()
    fit = partial(fit_segments, _frame(), FEATURES, k_range=range(2, 5), n_init=2, random_state=3)
    in_worker = workers.run_in_worker(fit)
    monkeypatch.setenv(workers.ENV_VAR, "0")
    in_process = workers.run_in_worker(fit)
    assert in_worker.k == in_process.k
    for name in ("assignments", "centroids", "k_selection", "profiles"):
        pd.testing.assert_frame_equal(getattr(in_worker, name), getattr(in_process, name))


@pytest.mark.parametrize("value", ["two", "-1", "1.5"])
def test_a_bad_setting_names_the_variable(monkeypatch, value):
    monkeypatch.setenv(workers.ENV_VAR, value)
    with pytest.raises(ValueError, match=workers.ENV_VAR):
        workers.worker_processes()


def test_an_error_in_the_worker_reaches_the_caller(monkeypatch):
    monkeypatch.setenv(workers.ENV_VAR, "1")
    with pytest.raises(ValueError, match="no such"):
        workers.run_in_worker(partial(int, "no such number"))


def test_workers_do_not_run_the_main_script_again(tmp_path):
    # A worker would run the parent's main script again before its task (for dbt: import dbt, ~3 s each).
    import subprocess
    import sys

    marker = tmp_path / "runs.txt"
    script = tmp_path / "main_script.py"
    script.write_text(
        "import os\n"
        f"open({str(marker)!r}, 'a').write(str(os.getpid()) + '\\n')\n"
        "if __name__ == '__main__':\n"
        "    from custseg.workers import run_in_worker\n"
        "    print(run_in_worker(os.getpid) != os.getpid(), run_in_worker(os.getpid) != os.getpid())\n")
    env = {**os.environ, workers.ENV_VAR: "2"}
    proc = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True"]  # both tasks ran in workers
    assert len(marker.read_text().split()) == 1  # the main script ran once: in the parent only
