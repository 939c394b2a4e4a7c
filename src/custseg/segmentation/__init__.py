"""Customer segmentation with k-means, stored as tables so SQL can score new customers.

Modules (one idea each):

* :mod:`~custseg.segmentation.inputs` - accept pandas / pyarrow, validate, name the bad column
* :mod:`~custseg.segmentation.preprocess` - transform (log1p/none), median impute, scale, optional PCA
* :mod:`~custseg.segmentation.k_selection` - criteria per k and the rule that chooses k
* :mod:`~custseg.segmentation.relabel` - stable segment ids
* :mod:`~custseg.segmentation.fit` - the whole fit and the output tables
* :mod:`~custseg.segmentation.naming` - readable segment names
* :mod:`~custseg.segmentation.profiles` - segment profiles
* :mod:`~custseg.segmentation.scoring` - nearest centroid from the centroids table (reference for SQL)
"""

from custseg.segmentation.fit import SegmentationResult, fit_segments
from custseg.segmentation.inputs import SegmentationInputError
from custseg.segmentation.k_selection import choose_k, evaluate_k, select_k
from custseg.segmentation.naming import name_segments
from custseg.segmentation.scoring import assign_from_centroids

__all__ = [
    "SegmentationInputError", "SegmentationResult", "assign_from_centroids", "choose_k", "evaluate_k",
    "fit_segments", "name_segments", "select_k",
]
