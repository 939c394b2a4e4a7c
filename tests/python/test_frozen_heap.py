"""custseg.frozen_heap: the heap is frozen while any model is inside, and handed back when the last leaves."""

from __future__ import annotations

import gc
import threading

from custseg.frozen_heap import frozen_heap


def test_nested_and_concurrent_models_unfreeze_only_at_the_end():
    assert gc.get_freeze_count() == 0
    inside, leave = threading.Event(), threading.Event()

    def other_model():
        with frozen_heap():
            inside.set()
            assert leave.wait(10)

    thread = threading.Thread(target=other_model)
    try:
        with frozen_heap():
            assert gc.get_freeze_count() > 0
            thread.start()
            assert inside.wait(10)
        assert gc.get_freeze_count() > 0  # the other model is still inside: still frozen
    finally:
        leave.set()
        thread.join(10)
    assert gc.get_freeze_count() == 0


def test_unfreezes_when_the_model_fails():
    try:
        with frozen_heap():
            raise ValueError("fit failed")
    except ValueError:
        pass
    assert gc.get_freeze_count() == 0
