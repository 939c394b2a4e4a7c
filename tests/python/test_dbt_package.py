"""custseg as a dbt package of another project, and dbt selections: a fresh host project that lists this one as a
`local:` package builds it beside its own `customers` model (custseg's models in their own schema); a build of a
selection (`-s +campaign_targets`) passes, the tests that read models outside it skipped with a log line."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

DBT = str(Path(sys.executable).with_name("dbt"))


def dbt(args: list[str], cwd: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DBT_", "CUSTSEG_"))}
    env.update(env_extra, DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    proc = subprocess.run([DBT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        pytest.fail(f"dbt {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return proc


def test_a_host_project_builds_custseg_beside_its_own_customers_model(repo_root, small_world, tmp_path):
    host = tmp_path / "host"
    (host / "models").mkdir(parents=True)
    (host / "dbt_project.yml").write_text(textwrap.dedent("""
        name: host
        version: "1.0.0"
        config-version: 2
        profile: host
        flags:
          send_anonymous_usage_stats: false
          # custseg's own ref('customers') must find custseg's model, not the host's (dbt's documented flag).
          require_ref_searches_node_package_before_root: true
        models:
          host:
            +materialized: table
    """))
    (host / "packages.yml").write_text(f"packages:\n  - local: {repo_root}\n")
    (host / "profiles.yml").write_text(textwrap.dedent(f"""
        host:
          target: dev
          outputs:
            dev:
              type: duckdb
              path: {tmp_path / "host.duckdb"}
              threads: 4
              plugins:
                - module: custseg.serving.dbt_plugin
                - module: custseg.raw_input.dbt_plugin
                  alias: raw_input
    """))
    (host / "models" / "customers.sql").write_text(
        "select 'h1' as customer_id, 'the host''s own customers model' as note\n")
    env = {"DBT_PROFILES_DIR": str(host), "PYTHONPATH": str(repo_root / "src"),
           "CUSTSEG_FIT_CACHE_DIR": str(tmp_path / "fit_cache")}
    dbt(["deps"], host, env)
    proc = dbt(["build", "--vars", f"{{dataset: sample, raw_data_dir: {small_world}}}"], host, env)

    assert "custseg: no serving copy: custseg is a package of host" in proc.stdout
    with duckdb.connect(str(tmp_path / "host.duckdb"), read_only=True) as con:
        assert con.execute("select * from main.customers").fetchall() == [("h1", "the host's own customers model")]
        own = con.execute("select count(*) from custseg.customers").fetchone()[0]
        assert own > 1_000
        # custseg's models read custseg's customers, not the host's
        assert con.execute("select sum(customers) from custseg.segment_profiles").fetchone()[0] == \
            con.execute("select count(*) from custseg.customer_segments").fetchone()[0]
        assert con.execute("select count(*) from custseg.customer_segments as s "
                           "anti join custseg.customers as c using (customer_id)").fetchone()[0] == 0


def test_a_build_of_a_selection_skips_the_tests_that_read_models_outside_it(repo_root, small_world, tmp_path):
    env = {"DBT_PROFILES_DIR": ".", "CUSTSEG_DB_PATH": str(tmp_path / "warehouse" / "sample.duckdb"),
           "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
           "CUSTSEG_FIT_CACHE_DIR": str(tmp_path / "fit_cache"), "PYTHONPATH": str(repo_root / "src")}
    proc = dbt(["build", "-s", "+campaign_targets", "--vars", f"{{dataset: sample, raw_data_dir: {small_world}}}"],
               repo_root, env)
    assert "custseg: test reconcile_order_lines skipped: it reads rejected_rows" in proc.stdout
    assert "custseg: test assert_sql_logit_scoring_matches_python skipped: it reads response_scores_python" in proc.stdout
    assert " ERROR=0 " in proc.stdout
    with duckdb.connect(str(tmp_path / "warehouse" / "sample.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from campaign_targets").fetchone()[0] > 0
