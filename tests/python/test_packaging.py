"""The package as others install it: pyproject's dependencies hold the exact pins and cover every package
src/custseg imports, and the wheel, installed (not editable) in a fresh venv with the dependencies it declares,
writes the report of a built serving copy, its template included."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from venvs import cached_venv

REPO_ROOT = Path(__file__).resolve().parents[2]
# Imported only where the Spark target runs the project (custseg.dbt_io, custseg.spark_adapter: inside the
# functions that need it).
OPTIONAL_IMPORTS = {"pyspark"}


def declared() -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    extras = [r for group in project.get("optional-dependencies", {}).values() for r in group]
    return [Requirement(r) for r in [*project["dependencies"], *extras]]


def pins() -> dict[str, str]:
    found = {}
    for name in ("runtime.txt", "dev.txt"):
        for line in (REPO_ROOT / "requirements" / name).read_text().splitlines():
            if "==" in line and not line.startswith("#"):
                package, version = line.split("==")
                found[canonicalize_name(package)] = version.strip()
    return found


def test_declared_dependencies_hold_the_exact_pins():
    pinned = pins()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is declared in pyproject.toml but not pinned in requirements/"
        assert requirement.specifier.contains(pinned[name]), f"{requirement} does not allow the pin {pinned[name]}"


def test_every_package_the_code_imports_is_declared():
    names = {canonicalize_name(r.name) for r in declared()}
    providers = packages_distributions()
    imported: set[str] = set()
    for path in (REPO_ROOT / "src" / "custseg").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"custseg", "__future__"} - OPTIONAL_IMPORTS
    assert {"duckdb", "sklearn", "altair", "vl_convert", "great_expectations", "dbt", "jinja2"} <= third_party
    undeclared = {module for module in third_party
                  if not names & {canonicalize_name(d) for d in providers.get(module, [])}}
    assert not undeclared, f"imported by src/custseg but not in pyproject.toml's dependencies: {sorted(undeclared)}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (so no build/ folder lands in the work tree)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "-w", str(dist), str(source)], check=True)
    [built] = dist.glob("custseg-*.whl")
    return built


def test_the_wheel_ships_the_report_template(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "custseg/report/templates/report.html.j2" in names
    assert not [n for n in names if n.startswith(("tests/", "models/"))]


@pytest.mark.slow
def test_the_wheel_installed_in_a_fresh_venv_writes_the_report(wheel, published_sample, tmp_path):
    metadata = zipfile.ZipFile(wheel).read("custseg-0.1.0.dist-info/METADATA").decode()
    requires = sorted(line for line in metadata.splitlines() if line.startswith("Requires-Dist:"))
    runtime = REPO_ROOT / "requirements" / "runtime.txt"
    # The first time: the wheel and what it declares, resolved from the registry within the exact pins.
    python = cached_venv("wheel", "\n".join(requires) + runtime.read_text(), ["-c", str(runtime), str(wheel)])
    # Every time: this build of the wheel, in place of the one the venv was made with.
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--force-reinstall", str(wheel)], check=True)
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout

    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([str(python), "-c", "import custseg; print(custseg.__file__)"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(python.parent.parent) and "site-packages" in where
    out = tmp_path / "report.html"
    proc = subprocess.run([str(python), "-m", "custseg.report", "--db", str(published_sample.serving_db),
                           "--dataset", "sample", "--out", str(out)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["sections"] and set(summary["sections"].values()) == {"available"}
    assert out.stat().st_size > 10_000 and "<html" in out.read_text()[:2000].lower()
