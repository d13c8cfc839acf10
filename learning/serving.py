"""A version's files as a folder ml.model can load: the committed one's own, others copied from storage.

Each app server keeps a local copy under MODEL_CACHE_DIR; ml.model checks the
copy against the card's sha256 as it loads, so a half-copied or swapped file
is refused rather than served.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings

from learning.models import ModelVersion
from ml.model import ARTIFACTS_DIR, CARD_NAME


def model_directory(version: ModelVersion) -> Path:
    if version.committed:
        return ARTIFACTS_DIR
    folder = Path(settings.MODEL_CACHE_DIR) / version.version
    assert version.card is not None, "a version that is not committed has the card its training wrote"
    target = folder / version.card["onnx_file"]
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{target.name}.{os.getpid()}"
        with version.onnx.open("rb") as source, open(partial, "wb") as out:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                out.write(chunk)
        partial.replace(target)  # atomic: a reader sees the whole file or none
    (folder / CARD_NAME).write_text(json.dumps(version.card))
    return folder
