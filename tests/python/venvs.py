"""Virtualenvs the tests make from the package registry, once per content: cached in CUSTSEG_TEST_VENV_DIR
(default <tmp>/custseg-test-venvs), outside the work tree, so a fresh clone (CI) on the same machine reuses them."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def venv_root() -> Path:
    return Path(os.environ.get("CUSTSEG_TEST_VENV_DIR") or Path(tempfile.gettempdir()) / "custseg-test-venvs")


def cached_venv(name: str, key: str, pip_args: list[str]) -> Path:
    """The Python of venv ``name`` made with ``pip install <pip_args>``, reused while ``key`` is unchanged."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    venv = venv_root() / f"{name}-{digest}"
    python, done = venv / "bin" / "python", venv / ".installed"
    if not done.is_file():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *pip_args],
                       check=True)
        done.touch()
    return python
