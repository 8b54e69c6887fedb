"""Save and load flagging models without pickle.

A model file is a zip archive holding two members:

- ``flagging.json``: metadata (target, training window, counts, metrics, Platt
  calibration, library versions, format version, SHA-256 of the model member);
- ``model.skops``: the fitted Pipeline, written by ``skops.io``.

Loading reads and checks the metadata first (format, scikit-learn version,
checksum) and only then lets skops rebuild the pipeline, trusting exactly the
types of the known pipeline (computed from ``build_pipeline()``): a file that
would need any other type (another object, a crafted payload) is refused before
anything is constructed. Nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
import sklearn
import skops
import skops.io as sio
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from flagging.frame import FlaggingError
from flagging.model import FlagModel, build_pipeline

FORMAT_VERSION = 6
"""2: word n-grams within turns, customer's last turns, topic/queue; no char n-grams.
3: the customer's last-turns block removed.
4: proper names masked before n-grams (a version-3 vocabulary holds names that version
4 text never produces, so its scores would silently change: refused instead).
5: the text vectorisers select their phrases by the labels (``select_alpha``, a new
parameter a version-4 vectoriser lacks).
6: each text block is a ``TurnPhrases`` -> ``AssociatedPhrases`` pipeline; version 5's
``LineTfidfVectorizer`` (built on scikit-learn's private methods) no longer exists."""
METADATA_MEMBER = "flagging.json"
MODEL_MEMBER = "model.skops"


def library_versions() -> dict[str, str]:
    return {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "skops": skops.__version__,
    }


def estimator_types(*pipelines: object) -> set[str]:
    """Fully qualified names of every estimator type inside ``pipelines`` (what
    skops may load for them)."""
    names: set[str] = set()

    def visit(obj: object) -> None:
        if isinstance(obj, BaseEstimator):
            names.add(f"{type(obj).__module__}.{type(obj).__qualname__}")
            for value in obj.get_params(deep=False).values():
                visit(value)
        elif isinstance(obj, list | tuple):
            for item in obj:
                visit(item)

    for pipeline in pipelines:
        visit(pipeline)
    return names


def trusted_types() -> list[str]:
    """Fully qualified names of every estimator type in the known pipeline."""
    return sorted(estimator_types(build_pipeline()))


def save(model: FlagModel, path: str | Path) -> Path:
    """Write `model` to `path` (see the module docstring for the layout)."""
    path = Path(path)
    payload = sio.dumps(model.pipeline, compression=zipfile.ZIP_DEFLATED)
    metadata = {
        **model.metadata,
        "format": "qa-flagging-model",
        "format_version": FORMAT_VERSION,
        "versions": library_versions(),
        "calibration_params": list(model.calibration),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(METADATA_MEMBER, json.dumps(metadata, indent=2, default=str))
        archive.writestr(MODEL_MEMBER, payload)
    return path


def _read_members(path: Path) -> tuple[dict, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if METADATA_MEMBER not in names or MODEL_MEMBER not in names:
                raise FlaggingError(
                    f"{path.name} is not a flagging model: it has no {METADATA_MEMBER} "
                    "(a bare skops file or another zip archive?)"
                )
            metadata = json.loads(archive.read(METADATA_MEMBER))
            payload = archive.read(MODEL_MEMBER)
    except FileNotFoundError:
        raise
    except zipfile.BadZipFile as exc:
        raise FlaggingError(
            f"{path.name} is not a flagging model or is corrupted: not a readable zip archive "
            f"({exc}); pickle files are never loaded"
        ) from exc
    except (zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        if isinstance(exc, FlaggingError):
            raise
        raise FlaggingError(f"{path.name} is corrupted: {exc}") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != "qa-flagging-model":
        raise FlaggingError(f"{path.name} is not a flagging model: unknown metadata format")
    return metadata, payload


def _check_metadata(name: str, metadata: dict, payload: bytes) -> None:
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise FlaggingError(
            f"{name} uses flagging format version {version}; this code reads version "
            f"{FORMAT_VERSION}: retrain the model"
        )
    saved = metadata.get("versions", {}).get("sklearn")
    if saved != sklearn.__version__:
        raise FlaggingError(
            f"{name} was saved with scikit-learn {saved} but this is scikit-learn "
            f"{sklearn.__version__}; models are not portable across scikit-learn versions: "
            f"retrain it, or load it with scikit-learn {saved}"
        )
    if hashlib.sha256(payload).hexdigest() != metadata.get("sha256"):
        raise FlaggingError(f"{name} is corrupted: the model checksum does not match")


def load(path: str | Path) -> FlagModel:
    """Load a model written by ``FlagModel.save``; FlaggingError when it is not one."""
    path = Path(path)
    metadata, payload = _read_members(path)
    _check_metadata(path.name, metadata, payload)
    trusted = trusted_types()
    try:
        unknown = sorted(set(sio.get_untrusted_types(data=payload)) - set(trusted))
        if unknown:
            raise FlaggingError(
                f"{path.name} holds types outside the flagging pipeline, refused: "
                f"{', '.join(unknown[:5])}"
            )
        pipeline = sio.load(io.BytesIO(payload), trusted=trusted)
    except FlaggingError:
        raise
    except Exception as exc:  # skops raises many kinds on malformed content
        raise FlaggingError(f"{path.name} is corrupted: skops could not read it ({exc})") from exc
    if not isinstance(pipeline, Pipeline) or list(pipeline.named_steps) != [
        "features",
        "columns",
        "classifier",
    ]:
        raise FlaggingError(f"{path.name} does not hold a flagging pipeline")
    calibration = metadata.pop("calibration_params", None)
    if not (isinstance(calibration, list) and len(calibration) == 2):
        raise FlaggingError(f"{path.name} is missing its calibration parameters")
    return FlagModel(
        pipeline=pipeline,
        calibration=(float(calibration[0]), float(calibration[1])),
        metadata=metadata,
    )
