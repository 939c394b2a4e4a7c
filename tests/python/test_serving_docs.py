"""Docs for the readers: `make docs` writes the static dbt docs site, with the exposures and every table
that the serving copy publishes."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest

pytestmark = pytest.mark.slow


def test_make_docs_writes_the_static_site_with_the_exposures(published_sample, repo_root, tmp_path):
    from conftest import copy_of_build

    # in a copy of the published warehouse: dbt docs generate opens the build database for writing
    copy = copy_of_build(published_sample, tmp_path)
    warehouse, target = copy.warehouse_dir, copy.target_path
    proc = subprocess.run(
        ["make", "--no-print-directory", "docs", "DATASET=sample", f"RAW_DATA_DIR={published_sample.raw_dir}",
         f"WAREHOUSE_DIR={warehouse}", f"DBT_TARGET_PATH={target}", f"DBT_LOG_PATH={target / 'logs'}"],
        cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]

    site = target / "static_index.html"
    assert site.stat().st_size > 100_000
    manifest = json.loads((target / "manifest.json").read_text())
    assert {"exposure.custseg.customer_segments_report", "exposure.custseg.marketing_bi_dashboard"} <= set(
        manifest["exposures"])
    catalog = json.loads((target / "catalog.json").read_text())
    documented = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    with duckdb.connect(str(copy.serving_db), read_only=True) as con:
        served = {name for (name,) in con.execute("select table_name from duckdb_tables() union all "
                                                  "select view_name from duckdb_views() where not internal"
                                                  ).fetchall()}
    assert "order_lines" in served
    assert served <= documented
    assert "customer_segments_report" in site.read_text(encoding="utf-8")
    # the docs site opens on the project's overview page (models/_overview.md), not dbt's default
    assert "doc.custseg.__overview__" in manifest["docs"]
    assert "customer segments and campaign response, in your warehouse" in manifest["docs"][
        "doc.custseg.__overview__"]["block_contents"]
