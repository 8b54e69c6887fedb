"""A learned AutoQA pipeline to bytes and back, with skops (never pickle).

As for flagging models (``flagging.persist``): only the estimator types of the
known pipeline are trusted when loading, and a model saved by another
scikit-learn version is refused with the reason (retrain it).
"""

from __future__ import annotations

import zipfile
from functools import cache

import sklearn
import skops.io as sio
from sklearn.pipeline import Pipeline

from autoqa import learned
from flagging.persist import estimator_types


class ArtefactError(Exception):
    """The stored model cannot be used (another scikit-learn, foreign types, damage)."""


def dumps(model: Pipeline) -> bytes:
    return sio.dumps(model, compression=zipfile.ZIP_DEFLATED)


@cache
def trusted_types() -> tuple[str, ...]:
    """Every estimator type the AutoQA pipeline can hold (with and without
    calibration, with measures)."""
    pipelines = (learned._pipeline(["measure"], calibrated, 0) for calibrated in (True, False))
    names = estimator_types(*pipelines)
    return tuple(sorted(names | set(FITTED_ONLY)))


# Types a fitted CalibratedClassifierCV holds that an unfitted one does not.
FITTED_ONLY = ("sklearn.calibration._CalibratedClassifier",
               "sklearn.calibration._SigmoidCalibration")  # fmt: skip


def loads(data: bytes, saved_with: str | None) -> Pipeline:
    """The pipeline stored by ``dumps``; ArtefactError with the reason otherwise."""
    if saved_with != sklearn.__version__:
        raise ArtefactError(
            f"saved with scikit-learn {saved_with}, this is {sklearn.__version__}: retrain "
            "(flask autoqa train)"
        )
    try:
        unknown = set(sio.get_untrusted_types(data=data)) - set(trusted_types())
        if unknown:
            raise ArtefactError(f"holds types outside the AutoQA pipeline: {sorted(unknown)[:5]}")
        model = sio.loads(data, trusted=list(trusted_types()))
    except ArtefactError:
        raise
    except Exception as exc:  # skops raises many kinds on malformed content
        raise ArtefactError(f"unreadable: {exc}") from exc
    if not isinstance(model, Pipeline):
        raise ArtefactError("not an AutoQA pipeline")
    return model
