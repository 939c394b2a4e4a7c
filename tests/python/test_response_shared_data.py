"""Experiments on the public data sets (../shared/data, or CUSTSEG_SHARED_DATA): the product checks of the
response model, with a pandas feature preparation standing in for the SQL ``customer_features``.

Measured (sklearn 1.9.1, random_state 0, 5 stratified folds):
- Customer Personality (2,240 customers, 334 responders): chosen hgb (lr 0.05, 150 iterations, 7 leaves)
  CV ROC-AUC 0.909; best logistic (C=1.0) 0.905.
- CoIL 2000 (5,822 labeled + 4,000 evaluation households): chosen hgb (lr 0.05, 100 iterations, 4 leaves,
  min 80 per leaf) CV ROC-AUC 0.761 and 127 hits per top 800 of 4,000 by the plain CV mean of the best of six
  (challenge winner: 121). That figure is optimistic (the winner's curse); the build's selection-aware estimate
  is in response_model_metrics (tests/python/test_real_data_models.py). Here: better than random targeting.
"""

import numpy as np
import pandas as pd
import pytest

from custseg.response import fit_response_model

pytestmark = pytest.mark.shared_data

MNT = ["MntWines", "MntFruits", "MntMeatProducts", "MntFishProducts", "MntSweetProducts", "MntGoldProds"]
NUM = ["NumDealsPurchases", "NumWebPurchases", "NumCatalogPurchases", "NumStorePurchases", "NumWebVisitsMonth"]
CMP = ["AcceptedCmp1", "AcceptedCmp2", "AcceptedCmp3", "AcceptedCmp4", "AcceptedCmp5"]
EDUCATION = {"Basic": 0, "2n Cycle": 1, "Graduation": 2, "Master": 3, "PhD": 4}
MARITAL = {"Married": "married", "Together": "together", "Single": "single", "Alone": "single",
           "Absurd": "single", "YOLO": "single", "Divorced": "divorced", "Widow": "widow"}


def personality_features(raw: pd.DataFrame) -> pd.DataFrame:
    """The feature list that reaches CV ROC-AUC >= 0.90 (the SQL customer_features should match it)."""
    f = pd.DataFrame({"customer_id": raw["ID"].astype(str)})
    signed_up = pd.to_datetime(raw["Dt_Customer"], format="%d-%m-%Y")
    f["age"] = 2014 - raw["Year_Birth"]
    f["log_income"] = np.log1p(raw["Income"])  # 24 nulls: imputed with the training median
    f["kidhome"] = raw["Kidhome"]
    f["teenhome"] = raw["Teenhome"]
    f["children"] = raw["Kidhome"] + raw["Teenhome"]
    f["tenure_days"] = (pd.Timestamp("2014-12-31") - signed_up).dt.days
    f["recency"] = raw["Recency"]
    for c in MNT:
        f["log_" + c.lower()] = np.log1p(raw[c])
    f["log_total_spend"] = np.log1p(raw[MNT].sum(axis=1))
    for c in NUM:
        f[c.lower()] = raw[c]
    f["total_purchases"] = raw[NUM[:4]].sum(axis=1)
    for c in CMP:
        f[c.lower()] = raw[c]
    f["accepted_total"] = raw[CMP].sum(axis=1)
    f["complain"] = raw["Complain"]
    f["education_level"] = raw["Education"].map(EDUCATION)
    marital = raw["Marital_Status"].map(MARITAL)
    for v in ("married", "together", "single", "divorced", "widow"):
        f["marital_" + v] = (marital == v).astype(int)
    f["label"] = raw["Response"]
    return f


def test_customer_personality_cv_roc_auc_at_least_0_90(shared_data):
    raw = pd.read_csv(shared_data / "customer_personality" / "marketing_campaign.csv", sep="\t")
    res = fit_response_model(personality_features(raw))
    auc = res.metric("roc_auc")
    print(f"personality: chosen {res.chosen}, CV ROC-AUC {auc:.4f}, timings {res.timings_seconds}")
    assert auc >= 0.90
    assert len(res.scores) == 2240 and res.gains["customers"].sum() == 2240


def test_coil2000_800_targets_and_cv_hits_well_above_random(shared_data):
    folder = shared_data / "coil2000_insurance"
    cols = [f"v{i:02d}" for i in range(1, 86)]
    train = pd.read_csv(folder / "ticdata2000.txt", sep="\t", header=None, names=cols + ["label"])
    evaluation = pd.read_csv(folder / "ticeval2000.txt", sep="\t", header=None, names=cols)
    train.insert(0, "customer_id", [f"train_{i}" for i in range(1, len(train) + 1)])
    evaluation.insert(0, "customer_id", [f"eval_{i}" for i in range(1, len(evaluation) + 1)])
    evaluation["label"] = pd.NA
    df = pd.concat([train, evaluation], ignore_index=True)
    df["label"] = df["label"].astype("Int64")
    res = fit_response_model(df, hits_scale_to=4000)
    hits = res.metric("hits_top_20pct")
    print(f"coil2000: chosen {res.chosen}, CV hits per 800 of 4000 {hits:.1f}, "
          f"ROC-AUC {res.metric('roc_auc'):.4f}, timings {res.timings_seconds}")
    targets = res.targets(800, population="unlabeled")
    assert len(targets) == 800 and targets["customer_id"].str.startswith("eval_").all()
    assert len(res.scores) == 9822
    assert hits > 2 * 800 * 348 / 5822  # twice random targeting (47.8 hits)
