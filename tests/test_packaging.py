"""`pip install rnnlens` works the day it is published: the wheel and the sdist that `python -m build`
makes install into a fresh virtual environment, and the installed command runs."""

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def distributions(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return out


@pytest.mark.parametrize("kind", ["whl", "tar.gz"])
def test_distribution_installs_and_runs(distributions, tmp_path, kind):
    (archive,) = distributions.glob(f"rnnlens-*.{kind}")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(archive)], check=True, capture_output=True)
    rnnlens = environment / "bin" / "rnnlens"
    assert "check" in subprocess.run([str(rnnlens), "--help"], check=True, capture_output=True, text=True).stdout
    example = tmp_path / "model.py"
    shutil.copy(ROOT / "examples" / "torch_tagger.py", example)
    report = subprocess.run([str(rnnlens), "check", str(example)], check=True, capture_output=True, text=True)
    assert "3,656,209" in report.stdout
