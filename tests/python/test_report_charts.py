"""The report's own ROC computation (kept out of scikit-learn so the report starts fast) against scikit-learn,
and the message when the browser the screenshots need is missing."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score, roc_curve

from custseg.report.charts import roc_points


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_roc_points_match_scikit_learn_with_ties(seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, 600)
    scores = np.round(rng.random(600) + 0.4 * labels, 2)  # rounded: many tied scores
    fpr, tpr, auc = roc_points(labels, scores)
    expected_fpr, expected_tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    assert auc == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    assert fpr == pytest.approx(expected_fpr)
    assert tpr == pytest.approx(expected_tpr)


def test_roc_of_a_perfect_score_is_one():
    assert roc_points(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9]))[2] == 1.0


def test_a_missing_chromium_says_how_to_install_it(monkeypatch, tmp_path):
    from custseg.report.screenshots import chromium_path

    monkeypatch.setenv("CUSTSEG_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(FileNotFoundError, match=r"apt-get install -y chromium"):
        chromium_path()
