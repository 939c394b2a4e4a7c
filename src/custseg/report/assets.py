"""The JavaScript the report inlines, so it works offline: Vega, Vega-Lite and vega-embed, and the page's own code.

The Vega bundle comes from ``vl-convert-python`` (pinned), which ships these libraries inside its wheel and
bundles them without any network (as Altair's own ``inline`` HTML does). Its Vega-Lite version is the one
Altair's specs are written for.
"""

from __future__ import annotations

import functools
from pathlib import Path

ASSET_DIR = Path(__file__).with_name("templates")


@functools.cache
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script that sets ``window.vegaEmbed`` (about 0.9 MB)."""
    import altair as alt
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if major_minor not in vl_convert.get_vegalite_versions():
        raise RuntimeError(f"vl-convert-python {vl_convert.__version__} has no Vega-Lite {major_minor} for "
                           f"Altair {alt.__version__}: pin versions that match in requirements/runtime.txt")
    # "</script" cannot appear inside an inline script; the bundle has none, but a future one must not break out.
    return vl_convert.javascript_bundle(vl_version=major_minor).replace("</script", "<\\/script")


def page_script() -> str:
    """The report's own code: draws the charts and runs the target table (sort, search, CSV download)."""
    return (ASSET_DIR / "report.js").read_text(encoding="utf-8")


def page_style() -> str:
    return (ASSET_DIR / "report.css").read_text(encoding="utf-8")
