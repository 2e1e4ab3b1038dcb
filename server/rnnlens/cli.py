"""The `rnnlens` command line: `rnnlens check PATH...` and `rnnlens serve`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Optional, Sequence, Tuple

from . import __version__
from .analysis import analyze
from .analysis.notebook import NotebookError, read_notebook
from .catalog import FRAMEWORKS
from .files import discover
from .present import report
from .present.labels import BYTES_PER_PARAMETER, COMPACT, DETAILED
from .present.locate import Locator
from .present.text import Style, file_report

EXIT_OK, EXIT_FAILED_CHECK, EXIT_USAGE = 0, 1, 2
SEVERITY_RANK = {"warning": 1, "error": 2}


def _frameworks(value: str) -> Tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in FRAMEWORKS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown framework(s) {', '.join(unknown)}; choose from {', '.join(FRAMEWORKS)}")
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnnlens",
        description="Exact parameter counts of recurrent layers, read statically from Python source.")
    parser.add_argument("--version", action="version", version=f"rnnlens {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="count the layers in files and folders",
                                description="Count every recurrent layer (and the layers around it) in "
                                            "Python files, folders and notebooks, without running them.")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (walked recursively)")
    check.add_argument("--json", action="store_true", help="print one JSON document (format version 1)")
    check.add_argument("--style", choices=(COMPACT, DETAILED), default=COMPACT, help="hint style (default: compact)")
    check.add_argument("--dtype", choices=tuple(BYTES_PER_PARAMETER), default="float32",
                       help="memory shown besides fp32 (default: float32)")
    check.add_argument("--frameworks", type=_frameworks, default=FRAMEWORKS, metavar="LIST",
                       help=f"comma-separated frameworks to count (default: {','.join(FRAMEWORKS)})")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip files and folders matching this pattern (repeatable)")
    check.add_argument("--fail-on", choices=("never", "warning", "error"), default="never",
                       help="exit 1 when a configuration draws a diagnostic of this severity or worse")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the output (default: auto — on a terminal, unless NO_COLOR is set)")

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio (for debugging)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=2087)
    return parser


def _analyze_text(path: Path, text: str, frameworks: Sequence[str] = FRAMEWORKS):
    if path.suffix == ".ipynb":
        try:
            notebook = read_notebook(text)
        except NotebookError as error:
            return None, None, str(error)
        source = notebook.source.encode("utf-8", errors="surrogatepass")
        return analyze(source, frameworks), Locator(source, notebook.cell_starts, notebook.cell_ids), None
    source = text.encode("utf-8", errors="surrogatepass")
    return analyze(source, frameworks), Locator(source), None


def _use_colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def check(arguments: argparse.Namespace) -> int:
    style = Style(_use_colour(arguments.color), arguments.style, arguments.dtype)
    files = list(discover(arguments.paths, arguments.exclude))
    progress = sys.stderr.isatty() and len(files) > 20 and not arguments.json
    exit_code, worst, records, output = EXIT_OK, 0, [], []
    for number, (path, found) in enumerate(files, 1):
        if progress:
            print(f"\rchecking {number}/{len(files)} files…", end="", file=sys.stderr, flush=True)
        if not found:
            print(f"rnnlens: {path}: no such file or folder", file=sys.stderr)
            exit_code = EXIT_USAGE
            continue
        analysis, locator, problem = _read(path, arguments.frameworks)
        if problem is not None:
            print(f"rnnlens: {path}: {problem}", file=sys.stderr)
            exit_code = EXIT_USAGE
            continue
        for finding in analysis.findings:
            for diagnostic in finding.diagnostics:
                worst = max(worst, SEVERITY_RANK.get(diagnostic.severity, 0))
        if arguments.json:
            records.append(report.file_record(str(path), analysis, locator))
        else:
            output += file_report(str(path), analysis, locator, style)
    if progress:
        print("\r\033[K", end="", file=sys.stderr, flush=True)
    if arguments.json:
        json.dump(report.document(records), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif output:
        sys.stdout.write("\n".join(output) + "\n")
    if exit_code == EXIT_OK and arguments.fail_on != "never" and worst >= SEVERITY_RANK[arguments.fail_on]:
        exit_code = EXIT_FAILED_CHECK
    return exit_code


def _read(path: Path, frameworks: Sequence[str]):
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, None, f"cannot read: {error.strerror or error}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, None, f"not UTF-8 text (invalid byte at offset {error.start}); skipped"
    return _analyze_text(path, text, frameworks)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "check":
        return check(arguments)
    if arguments.command == "serve":
        from .server import serve  # pygls is imported only for the server
        from .server.documents import COLLECTOR

        COLLECTOR.enable()
        return serve(arguments)
    parser.print_help()
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
