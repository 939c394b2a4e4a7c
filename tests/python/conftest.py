"""Shared pytest fixtures: paths, the shared public data, a small generated world."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """The public data sets: CUSTSEG_SHARED_DATA, default ../shared/data beside the repository."""
    return Path(os.environ.get("CUSTSEG_SHARED_DATA", REPO_ROOT.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        # Our CI (.ci/run) always has ../shared/data: there a missing folder is an error, not a skip.
        if os.environ.get("CUSTSEG_REQUIRE_SHARED_DATA") == "1":
            pytest.fail(f"shared data folder not found: {path} (set CUSTSEG_SHARED_DATA)")
        pytest.skip(f"shared data folder not found: {path}")
    return path


@pytest.fixture(scope="session")
def small_world(tmp_path_factory) -> Path:
    """A generated world of about 2,000 customers, written once per test session."""
    from custseg.generate import WorldSpec, generate_world

    out = tmp_path_factory.mktemp("world")
    generate_world(WorldSpec(customers=2_000, seed=7), out, progress=False)
    return out
