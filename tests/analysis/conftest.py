from pathlib import Path
from typing import Any, Dict

import pytest

from .helpers import CORPUS, check_json


@pytest.fixture(scope="session")
def corpus_report() -> Dict[str, Dict[str, Any]]:
    """The CLI's JSON for the whole corpus, by path relative to the corpus folder."""
    document = check_json(CORPUS)
    assert document["version"] == 1
    return {Path(record["path"]).resolve().relative_to(CORPUS).as_posix(): record for record in document["files"]}
