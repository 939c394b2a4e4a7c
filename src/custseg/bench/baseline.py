"""``custseg bench --baseline <commit>``: an older commit of this project, built side by side with it.

The commit is checked out into a git worktree ``bench/baselines/<short sha>/`` (git-ignored) and kept for
later runs. It builds with its own package (``PYTHONPATH=<worktree>/src``) and its own Makefile
(``make build``), reading the same world folder as the project, with its own warehouse, fit cache and dbt
target folder under the bench's work folder.

Python environment: when the commit's ``requirements/`` files equal the current ones, the worktree's
``.venv`` is a symlink to the project's pinned venv. Otherwise the worktree gets a venv of its own, made by
the commit's ``make setup`` (pip from its requirements files), and the results file says so.

Both builds run ``make build`` with ``-o .venv/.installed -o data/sample/world.json``: the bench measures
the build, never a ``pip install`` into a shared venv or the generation of the default sample world (the
world is passed as ``RAW_DATA_DIR``). A dry run (``make -n``) checks that no ``pip install`` is left before
anything is measured.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

# Targets that are never remade inside a measured build (make's --old-file).
OLD_FILES = (".venv/.installed", "data/sample/world.json")


@dataclass(frozen=True)
class Baseline:
    requested: str  # what the user asked for, e.g. "c2e3f5c" or "main"
    commit: str  # the full sha
    short: str
    path: Path  # the worktree
    shared_venv: bool  # .venv is a symlink to the project's venv
    venv_note: str  # one sentence for the results file

    def meta(self, root: Path | None = None) -> dict:
        """The fields for the results file, paths relative to ``root`` (the project) where they lie inside it."""
        return {k: shown(v, root) if isinstance(v, Path) else v for k, v in asdict(self).items()}


def shown(path: Path, root: Path | None) -> str:
    """``path`` as the results files write it: relative to ``root`` when inside it (no machine paths)."""
    path = Path(path)
    if root is not None:
        try:
            return str(path.resolve().relative_to(Path(root).resolve())) or "."
        except ValueError:
            pass
    return str(path)


def _git(repo: Path, *args: str, run=subprocess.run) -> str:
    proc = run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {repo}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def resolve_commit(repo: Path, commit: str, run=subprocess.run) -> tuple[str, str]:
    """(full sha, 7-character short sha) of ``commit`` in ``repo``."""
    full = _git(repo, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}", run=run)
    return full, full[:7]


def project_commit(repo: Path, run=subprocess.run) -> str:
    """The project's HEAD, with ``+uncommitted changes`` when tracked files differ from it."""
    try:
        head = _git(repo, "rev-parse", "--short=7", "HEAD", run=run)
        dirty = _git(repo, "status", "--porcelain", "--untracked-files=no", run=run)
    except (RuntimeError, OSError):
        return "unknown"
    return head + (" +uncommitted changes" if dirty else "")


def requirements_differ(repo: Path, commit: str, run=subprocess.run) -> list[str]:
    """Files under ``requirements/`` that differ between ``commit`` and the project's working tree
    (present in only one of them, or with other contents)."""
    listed = _git(repo, "ls-tree", "-r", "--name-only", commit, "--", "requirements/", run=run)
    theirs = set(listed.splitlines()) if listed else set()
    folder = repo / "requirements"
    ours = {f"requirements/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*") if p.is_file()} \
        if folder.is_dir() else set()
    differ = sorted(theirs ^ ours)
    for name in sorted(theirs & ours):
        if _git(repo, "show", f"{commit}:{name}", run=run) != (repo / name).read_text().strip():
            differ.append(name)
    return sorted(differ)


def project_venv(repo: Path) -> Path:
    """The project's pinned venv: what its ``.venv`` points at, else the running interpreter's."""
    venv = repo / ".venv"
    return venv.resolve() if venv.exists() else Path(sys.prefix)


def prepare(commit: str, repo: Path, root: Path | None = None, run=subprocess.run) -> Baseline:
    """Check ``commit`` out into ``root/<short sha>`` (default ``repo/bench/baselines``), reusing a worktree
    that is already there at that commit, and give it a venv (see the module docstring)."""
    full, short = resolve_commit(repo, commit, run=run)
    path = (root or repo / "bench" / "baselines") / short
    if path.exists():
        at = _git(path, "rev-parse", "HEAD", run=run)
        if at != full:
            raise RuntimeError(f"{path} is a checkout of {at[:7]}, not {short}: remove it with "
                               f"`git worktree remove --force {path}`")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        # --force: a worktree deleted by hand but still registered is checked out again
        _git(repo, "worktree", "add", "--force", "--detach", str(path), full, run=run)
    differ = requirements_differ(repo, full, run=run)
    venv = path / ".venv"
    if not differ:
        shared = project_venv(repo)
        if venv.is_symlink() or not venv.exists():
            if venv.is_symlink():
                venv.unlink()
            venv.symlink_to(shared)
            return Baseline(commit, full, short, path, True,
                            f"the project's venv ({shown(shared, repo)}): {short}'s requirements/ files equal the "
                            "current ones")
        note = f"its own venv ({shown(venv, repo)}), made earlier"
        return Baseline(commit, full, short, path, False, note)
    if venv.is_symlink():
        venv.unlink()
    base_python = getattr(sys, "_base_executable", None) or sys.executable
    proc = run(["make", "-C", str(path), "setup", f"PYTHON={base_python}"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"make setup for the baseline {short} failed: {(proc.stdout + proc.stderr)[-1500:]}")
    return Baseline(commit, full, short, path, False,
                    f"its own venv ({shown(venv, repo)}, made by its `make setup` with pip): {', '.join(differ)} "
                    "differ from the current ones")


def build_command(project_dir: Path, raw: Path, work: Path) -> list[str]:
    """``make build`` of ``project_dir`` on the world ``raw``, writing under ``work``."""
    olds = [arg for f in OLD_FILES for arg in ("-o", f)]
    return ["make", "-C", str(project_dir), "build", *olds, "DATASET=sample", f"RAW_DATA_DIR={raw}",
            f"WAREHOUSE_DIR={work / 'warehouse'}", f"DBT_TARGET_PATH={work / 'target'}"]


def build_env(project_dir: Path, work: Path, environ: dict | None = None) -> dict:
    """The environment of that build: ``project_dir``'s own package first on the path, dbt's target and log
    folders under ``work``, and no fit cache or database path inherited from the caller."""
    env = {k: v for k, v in (os.environ if environ is None else environ).items()
           if k not in ("CUSTSEG_FIT_CACHE_DIR", "CUSTSEG_DB_PATH")}
    return dict(env, PYTHONPATH=str(project_dir / "src"), DBT_TARGET_PATH=str(work / "target"),
                DBT_LOG_PATH=str(work / "logs"))


def check_no_setup(cmd: list[str], env: dict, run=subprocess.run) -> None:
    """Fail, before measuring, if ``make build`` would still install packages (``make -n``)."""
    proc = run([cmd[0], "-n", *cmd[1:]], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` fails in a dry run: {(proc.stdout + proc.stderr)[-1500:]}")
    if "pip install" in proc.stdout or " -m venv " in proc.stdout:
        raise RuntimeError(f"`{' '.join(cmd)}` would set up a venv inside the measured build "
                           f"(dry run: {proc.stdout[:500]!r}); run its `make setup` first")
