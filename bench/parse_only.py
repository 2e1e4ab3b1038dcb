"""The baseline of the throughput benchmark as a process: read every .py file below the given folders
and parse it with tree-sitter-python, nothing else. `rnnlens check --json` over the same folders is
the same work plus the analysis (and its output).

    python bench/parse_only.py FOLDER...
"""

import os
import sys

import tree_sitter
import tree_sitter_python


def main() -> None:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))
    files = total = 0
    for folder in sys.argv[1:]:
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                if name.endswith(".py"):
                    with open(os.path.join(root, name), "rb") as stream:
                        data = stream.read()
                    parser.parse(data)
                    files += 1
                    total += len(data)
    print(files, total)


if __name__ == "__main__":
    main()
