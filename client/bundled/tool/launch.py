"""Starts the RNN Lens language server that ships inside the VS Code extension.

    python launch.py [--import-strategy useBundled|fromEnvironment] serve   the server, on stdio
    python launch.py [--import-strategy ...] probe                          one JSON line about this set-up

The extension runs `probe` first, to tell the user clearly why the server cannot start (Python too old,
no bundled libraries for this Python, a library that does not import) before it runs `serve`.

Import strategies, as in Microsoft's vscode-python-tools-extension-template:
- useBundled: the bundled server and libraries come first on sys.path (the environment's are not used
  for anything the bundle provides).
- fromEnvironment: the interpreter's own environment comes first (an `rnnlens` installed there is the
  one that runs); the bundle is appended as a fallback.

The bundled libraries are laid out as libs/common (pure Python) plus libs/cpXY for each supported
Python minor version (tree-sitter is compiled per version); the folder matching this interpreter is
used. Kept compatible with old Pythons so that they get a clear message, not a syntax error.
"""

import json
import os
import sys

MINIMUM = (3, 10)
TOOL = os.path.dirname(os.path.abspath(__file__))
LIBS = os.path.join(os.path.dirname(TOOL), "libs")
EXIT_UNSUPPORTED = 3


def bundle_info():
    try:
        with open(os.path.join(LIBS, "bundle.json"), encoding="utf-8") as manifest:
            return json.load(manifest)
    except (OSError, ValueError):
        return {}


def version_tag():
    return "cp%d%d" % sys.version_info[:2]


def bundled_paths():
    """The bundle's folders for this interpreter, or None when it has none for this Python."""
    specific = os.path.join(LIBS, version_tag())
    if not os.path.isdir(specific):
        return None
    return [TOOL, os.path.join(LIBS, "common"), specific]


def set_up(strategy):
    """Arrange sys.path for the strategy; returns a problem to report, or None."""
    # Python put this script's folder (which holds the bundled rnnlens) first on sys.path: place it
    # ourselves, according to the strategy.
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != TOOL]
    version = "%d.%d" % sys.version_info[:2]
    if sys.version_info[:2] < MINIMUM:
        return "RNN Lens needs Python %d.%d or newer; %s is Python %s" % (MINIMUM + (sys.executable, version))
    paths = bundled_paths()
    if strategy == "fromEnvironment":
        sys.path.extend(paths or [])
        return None
    if paths is None:
        pythons = bundle_info().get("pythons") or []
        target = bundle_info().get("target", "this platform")
        return ("the bundled server has no libraries for Python %s (%s); it has them for Python %s on %s. "
                "Choose one of those interpreters (rnnlens.interpreter), or install rnnlens in this "
                "environment and set rnnlens.importStrategy to fromEnvironment"
                % (version, sys.executable, ", ".join(pythons) or "none", target))
    sys.path[0:0] = paths
    return None


def probe(strategy):
    info = {
        "executable": sys.executable,
        "version": "%d.%d.%d" % sys.version_info[:3],
        "versionTag": version_tag(),
        "implementation": sys.implementation.name,
        "platform": sys.platform,
        "strategy": strategy,
    }
    problem = set_up(strategy)
    if problem is None:
        try:
            import lsprotocol  # noqa: F401
            import pygls  # noqa: F401
            import tree_sitter  # noqa: F401
            import tree_sitter_python  # noqa: F401

            import rnnlens
            import rnnlens.server  # noqa: F401  (imports everything the server needs)

            info["rnnlens"] = getattr(rnnlens, "__version__", "?")
            location = os.path.dirname(os.path.abspath(rnnlens.__file__))
            info["bundled"] = os.path.dirname(location) == TOOL
            info["location"] = location
        except Exception as error:  # report any import failure, with its reason
            problem = "the server's code does not import with %s: %s: %s" % (
                sys.executable, type(error).__name__, error)
    info["ok"] = problem is None
    if problem is not None:
        info["problem"] = problem
    sys.stdout.write(json.dumps(info) + "\n")
    return 0 if problem is None else EXIT_UNSUPPORTED


def main(argv):
    strategy = "useBundled"
    if len(argv) >= 2 and argv[0] == "--import-strategy":
        strategy, argv = argv[1], argv[2:]
    if strategy not in ("useBundled", "fromEnvironment"):
        sys.stderr.write("launch.py: unknown import strategy %r\n" % strategy)
        return 2
    if argv == ["probe"]:
        return probe(strategy)
    if argv[:1] != ["serve"]:
        sys.stderr.write("usage: launch.py [--import-strategy useBundled|fromEnvironment] serve|probe\n")
        return 2
    problem = set_up(strategy)
    if problem is not None:
        sys.stderr.write("RNN Lens: %s\n" % problem)
        return EXIT_UNSUPPORTED
    from rnnlens.cli import main as rnnlens_main

    return rnnlens_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
