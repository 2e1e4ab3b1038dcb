"""Which files `rnnlens check` reads: Python sources and notebooks below the given paths, skipping
hidden folders, virtual environments, caches and what `.gitignore` files exclude."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterator, List, Sequence, Tuple

SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")
SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "site-packages", "build", "dist"})


class IgnoreRules:
    """The common subset of `.gitignore`: globs, `dir/` for folders only, a leading `/` anchoring
    to the file's folder, `**`, and `!` to re-include."""

    def __init__(self, rules: Sequence[Tuple[Path, str, bool, bool, bool]] = ()):
        self.rules = list(rules)

    def extended(self, folder: Path) -> "IgnoreRules":
        path = folder / ".gitignore"
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return self
        rules = list(self.rules)
        for line in lines:
            pattern = line.strip()
            if not pattern or pattern.startswith("#"):
                continue
            negated = pattern.startswith("!")
            pattern = pattern[1:] if negated else pattern
            folders_only = pattern.endswith("/")
            pattern = pattern.rstrip("/")
            anchored = "/" in pattern
            rules.append((folder, pattern.lstrip("/"), negated, folders_only, anchored))
        return IgnoreRules(rules)

    def ignores(self, path: Path, is_folder: bool) -> bool:
        ignored = False
        for base, pattern, negated, folders_only, anchored in self.rules:
            if folders_only and not is_folder:
                continue
            try:
                relative = path.relative_to(base).as_posix()
            except ValueError:
                continue
            target = relative if anchored else path.name
            if fnmatch.fnmatchcase(target, pattern) or (anchored and fnmatch.fnmatchcase(relative, pattern + "/**")):
                ignored = not negated
        return ignored


def _is_virtual_environment(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file() or (folder / "conda-meta").is_dir()


def _excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    relative = path.relative_to(root).as_posix() if path != root else path.name
    return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(path.name, p) for p in patterns)


def discover(paths: Sequence[str], exclude: Sequence[str] = ()) -> Iterator[Tuple[Path, bool]]:
    """(path, found) for each file to check, in a stable order; `found` is False for a named path
    that does not exist."""
    for name in paths:
        root = Path(name)
        if root.is_file():
            yield root, True
        elif root.is_dir():
            yield from ((path, True) for path in _walk(root, root, IgnoreRules().extended(root), exclude))
        else:
            yield root, False


def _walk(folder: Path, root: Path, rules: IgnoreRules, exclude: Sequence[str]) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    folders: List[Path] = []
    for entry in entries:
        path = Path(entry.path)
        is_folder = entry.is_dir(follow_symlinks=False)
        if rules.ignores(path, is_folder) or _excluded(path, root, exclude):
            continue
        if is_folder:
            if not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS \
                    and not _is_virtual_environment(path):
                folders.append(path)
        elif entry.name.endswith(SOURCE_SUFFIXES) and entry.is_file():
            yield path
    for child in folders:
        yield from _walk(child, root, rules.extended(child), exclude)
