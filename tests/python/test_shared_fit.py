"""custseg.fit_cache.shared_fit: one computation per key across dbt threads, different keys in parallel."""

from __future__ import annotations

import threading

from custseg import fit_cache, workers


def test_same_key_computes_once_and_other_keys_do_not_wait(monkeypatch):
    monkeypatch.delenv(fit_cache.ENV_VAR, raising=False)
    monkeypatch.delenv(workers.ENV_VAR, raising=False)
    fit_cache._MEMORY.clear()
    calls: list[str] = []
    started = {"a": threading.Event(), "b": threading.Event()}
    release_a = threading.Event()

    def compute(name):
        def run():
            calls.append(name)
            started[name].set()
            if name == "a":
                assert release_a.wait(10), "fit a was never released"
            return f"fit-{name}"
        return run

    results: dict[str, list[str]] = {"a": [], "b": []}

    def ask(name):
        results[name].append(fit_cache.shared_fit("test", f"key-{name}", compute(name)))

    first_a = threading.Thread(target=ask, args=("a",))
    first_a.start()
    assert started["a"].wait(10)
    second_a = threading.Thread(target=ask, args=("a",))  # waits for the running fit of the same key
    second_a.start()
    b = threading.Thread(target=ask, args=("b",))  # another key: must finish while a still runs
    b.start()
    b.join(10)
    assert not b.is_alive() and results["b"] == ["fit-b"]
    assert results["a"] == []
    release_a.set()
    first_a.join(10)
    second_a.join(10)
    assert results["a"] == ["fit-a", "fit-a"]
    assert calls == ["a", "b"]  # each key computed once


def test_memory_keeps_the_most_recent_fits(monkeypatch):
    monkeypatch.delenv(fit_cache.ENV_VAR, raising=False)
    monkeypatch.delenv(workers.ENV_VAR, raising=False)
    fit_cache._MEMORY.clear()
    for i in range(fit_cache.MEMORY_SIZE + 2):
        fit_cache.shared_fit("test", f"k{i}", lambda i=i: i)
    assert len(fit_cache._MEMORY) == fit_cache.MEMORY_SIZE
    assert "k0" not in fit_cache._MEMORY and f"k{fit_cache.MEMORY_SIZE + 1}" in fit_cache._MEMORY
    assert fit_cache.shared_fit("test", "k3", lambda: "recomputed") == 3  # still in memory
