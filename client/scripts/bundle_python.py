#!/usr/bin/env python3
"""Lays out the Python side of the extension under bundled/ for one VS Code platform target:

    bundled/tool/launch.py       the launcher (kept in git)
    bundled/tool/rnnlens/        the server's code, copied from ../server/rnnlens
    bundled/libs/common/         pure-Python libraries identical for every supported Python
    bundled/libs/cp310 … cp314/  what differs per Python minor version (tree-sitter is compiled per version)
    bundled/libs/bundle.json     which target and Pythons this bundle holds (read by the extension)

Wheels come from PyPI with `pip install --only-binary=:all: --python-version 3.X --platform TAG`, so any
target can be laid out on any machine. Usage: bundle_python.py [--target linux-x64] [--force]
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CLIENT = Path(__file__).resolve().parent.parent
SERVER = CLIENT.parent / "server" / "rnnlens"
BUNDLED = CLIENT / "bundled"
LIBS = BUNDLED / "libs"
REQUIREMENTS = CLIENT / "requirements-bundled.txt"
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")

# VS Code platform target → pip platform tags (pip also accepts older manylinux/macOS tags than these).
TARGETS = {
    "linux-x64": ["manylinux_2_28_x86_64", "manylinux2014_x86_64"],
    "linux-arm64": ["manylinux_2_28_aarch64", "manylinux2014_aarch64"],
    "alpine-x64": ["musllinux_1_2_x86_64"],
    "darwin-x64": ["macosx_11_0_x86_64"],
    "darwin-arm64": ["macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
    "win32-arm64": ["win_arm64"],
}


def digest(*paths: Path) -> str:
    """A hash of the files' names and contents (ignoring caches), to skip an up-to-date bundle."""
    h = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            h.update(str(path.relative_to(root.parent)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def requirements_for(python_version: str) -> list:
    """The pinned requirements whose markers hold for that Python: pip evaluates markers against the
    interpreter running it, not against --python-version, so they are evaluated here."""
    from pip._vendor.packaging.requirements import Requirement

    chosen = []
    for line in REQUIREMENTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        environment = {"python_version": python_version, "python_full_version": python_version + ".0",
                       "implementation_name": "cpython", "platform_python_implementation": "CPython"}
        if requirement.marker is None or requirement.marker.evaluate(environment):
            requirement.marker = None
            chosen.append(str(requirement))
    return chosen


def pip_install(python_version: str, target: str, into: Path) -> None:
    platforms = [arg for tag in TARGETS[target] for arg in ("--platform", tag)]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-compile", "--only-binary=:all:", "--implementation", "cp",
               "--python-version", python_version, *platforms, "--target", str(into),
               "--no-deps", *requirements_for(python_version)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bundle_python: pip could not install the server's libraries for Python {python_version} "
                 f"on {target}:\n{result.stderr.strip()}")
    shutil.rmtree(into / "bin", ignore_errors=True)


def check_complete(python_version: str, folders: list) -> None:
    """Every installed distribution's requirements (markers evaluated for that Python) are installed too:
    the list in requirements-bundled.txt is installed with --no-deps, so it must be closed."""
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

    metadata = [m for folder in folders for m in folder.glob("*.dist-info/METADATA")]
    installed = {canonicalize_name(m.parent.name.split("-")[0]) for m in metadata}
    environment = {"python_version": python_version, "python_full_version": python_version + ".0",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
    missing = []
    for path in metadata:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("Requires-Dist:"):
                requirement = Requirement(line.split(":", 1)[1].strip())
                if requirement.marker is not None and not requirement.marker.evaluate(environment):
                    continue
                if canonicalize_name(requirement.name) not in installed:
                    missing.append(f"{requirement} (for {path.parent.name})")
    if missing:
        sys.exit(f"bundle_python: requirements-bundled.txt is incomplete for Python {python_version}: "
                 + "; ".join(missing))


def same_tree(a: Path, b: Path) -> bool:
    if a.is_file() or b.is_file():
        return a.is_file() and b.is_file() and filecmp.cmp(a, b, shallow=False)
    comparison = filecmp.dircmp(a, b)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    return all(same_tree(a / name, b / name) for name in comparison.common)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="linux-x64", choices=sorted(TARGETS))
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    arguments = parser.parse_args()

    stamp = {"target": arguments.target, "pythons": list(PYTHONS),
             "requirements": digest(REQUIREMENTS), "server": digest(SERVER)}
    manifest = LIBS / "bundle.json"
    if not arguments.force and manifest.exists() and (BUNDLED / "tool" / "rnnlens").is_dir():
        try:
            if json.loads(manifest.read_text()).get("stamp") == stamp:
                print(f"bundle_python: bundled/ is up to date for {arguments.target}")
                return 0
        except ValueError:
            pass

    with tempfile.TemporaryDirectory(prefix="rnnlens-bundle-") as temporary:
        staging = Path(temporary)
        tags = {version: "cp" + version.replace(".", "") for version in PYTHONS}
        with ThreadPoolExecutor(max_workers=len(PYTHONS)) as pool:
            list(pool.map(lambda v: pip_install(v, arguments.target, staging / tags[v]), PYTHONS))

        # What every version holds identically goes to common/; the rest stays per version.
        shutil.rmtree(LIBS, ignore_errors=True)
        (LIBS / "common").mkdir(parents=True)
        first = staging / tags[PYTHONS[0]]
        for entry in sorted(os.listdir(first)):
            if all((staging / tags[v] / entry).exists() and same_tree(first / entry, staging / tags[v] / entry)
                   for v in PYTHONS[1:]):
                shutil.move(str(first / entry), str(LIBS / "common" / entry))
                for version in PYTHONS[1:]:
                    path = staging / tags[version] / entry
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
        for version in PYTHONS:
            shutil.move(str(staging / tags[version]), str(LIBS / tags[version]))

    for version in PYTHONS:
        check_complete(version, [LIBS / "common", LIBS / tags[version]])

    tool = BUNDLED / "tool" / "rnnlens"
    shutil.rmtree(tool, ignore_errors=True)
    shutil.copytree(SERVER, tool, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))

    per_version = {tags[v]: sorted(os.listdir(LIBS / tags[v])) for v in PYTHONS}
    manifest.write_text(json.dumps({
        "target": arguments.target,
        "pythons": list(PYTHONS),
        "common": sorted(os.listdir(LIBS / "common")),
        "perVersion": per_version,
        "stamp": stamp,
    }, indent=1) + "\n")
    size = sum(p.stat().st_size for p in BUNDLED.rglob("*") if p.is_file())
    print(f"bundle_python: bundled/ holds the server and its libraries for Python {', '.join(PYTHONS)} "
          f"on {arguments.target} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
