"""custseg.workers.run_in_worker: with CUSTSEG_WORKER_PROCESSES a fit runs in a worker process, same result."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
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


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def test_map_in_workers_keeps_the_order_of_the_items(monkeypatch):
    monkeypatch.setenv(workers.ENV_VAR, "2")
    out = workers.map_in_workers(_pid_and_square, range(6))
    assert [square for _, square in out] == [0, 1, 4, 9, 16, 25]
    assert os.getpid() not in {pid for pid, _ in out}
    monkeypatch.delenv(workers.ENV_VAR)
    assert workers.map_in_workers(_pid_and_square, [3]) == [(os.getpid(), 9)]


def test_map_in_workers_raises_the_first_error(monkeypatch):
    monkeypatch.setenv(workers.ENV_VAR, "2")
    with pytest.raises(ValueError, match="'x'"):
        workers.map_in_workers(int, ["1", "x", "3"])


def test_the_response_model_gives_the_same_tables_with_its_candidates_in_workers(monkeypatch):
    # Its candidates' cross-validations and refits are tasks of the worker processes (map_in_workers).
    from custseg.response import Candidate, fit_response_model
    from test_response_model import toy

    candidates = [Candidate("logit", {"C": 0.1, "class_weight": "balanced"}),
                  Candidate("hgb", {"learning_rate": 0.1, "max_iter": 20, "max_leaf_nodes": 4,
                                    "min_samples_leaf": 20, "class_weight": "balanced"})]
    df = toy(n=500, nonlinear=True)
    monkeypatch.setenv(workers.ENV_VAR, "2")
    in_workers = fit_response_model(df, candidates=candidates, task_map=workers.map_in_workers)
    monkeypatch.delenv(workers.ENV_VAR)
    in_turn = fit_response_model(df, candidates=candidates)
    assert in_workers.chosen == in_turn.chosen
    for name in ("response_model_metrics", "response_scores", "response_gains", "response_feature_importance",
                 "response_logit_coefficients"):
        pd.testing.assert_frame_equal(in_workers.table(name), in_turn.table(name), check_exact=True, obj=name)


def _sleep_then_pid(seconds: float) -> tuple[float, int]:
    import time

    time.sleep(seconds)
    return seconds, os.getpid()


def test_whole_fits_go_before_waiting_candidate_tasks():
    # One process: while a task runs, a whole fit that arrives after three candidate tasks starts before them.
    import time

    pool = workers._Dispatcher(ThreadPoolExecutor(1), 1)
    order: list[str] = []
    lock = threading.Lock()

    def task(name: str, seconds: float = 0.0):
        def run():
            time.sleep(seconds)
            with lock:
                order.append(name)
        return run

    first = pool.submit(task("running", 0.3), workers.PART)
    parts = [pool.submit(task(f"part{i}"), workers.PART) for i in range(3)]
    whole = pool.submit(task("whole"), workers.WHOLE)
    for future in [first, *parts, whole]:
        future.result(timeout=10)
    assert order == ["running", "whole", "part0", "part1", "part2"]


def test_many_tasks_through_two_processes(monkeypatch):
    monkeypatch.setenv(workers.ENV_VAR, "2")
    out = workers.map_in_workers(_sleep_then_pid, [0.01] * 12)
    assert len(out) == 12 and os.getpid() not in {pid for _, pid in out}


def test_a_pool_that_cannot_take_tasks_fails_the_caller_instead_of_hanging():
    class Broken:
        def submit(self, fn):
            raise RuntimeError("pool is broken")

    pool = workers._Dispatcher(Broken(), 2)
    with pytest.raises(RuntimeError, match="pool is broken"):
        pool.submit(lambda: 1, workers.WHOLE).result(timeout=5)
    with pytest.raises(RuntimeError, match="pool is broken"):  # the free slots were not used up
        pool.submit(lambda: 2, workers.PART).result(timeout=5)


def test_a_task_that_ends_before_its_callback_is_added_does_not_deadlock():
    # On a loaded machine a short task can end between the pool's submit and add_done_callback; the callback then
    # runs at once in the submitting thread, and must not wait for a lock that thread holds (it hung a CI run).
    class AlreadyDone:
        def submit(self, fn):
            future: Future = Future()
            future.set_result(fn())
            return future

    pool = workers._Dispatcher(AlreadyDone(), 1)
    results: list[int] = []
    caller = threading.Thread(target=lambda: results.extend(
        pool.submit(partial(int, str(i)), workers.PART).result() for i in range(3)), daemon=True)
    caller.start()
    caller.join(timeout=10)
    assert not caller.is_alive(), "the submitting thread deadlocked"
    assert results == [0, 1, 2]
