"""The comparisons between `rnnlens check --json` and what the frameworks built (truth.py).

Each check yields `Discrepancy`s: what the JSON states that a framework contradicts, or what it
leaves out although the frameworks show it is knowable. The tests fail on any discrepancy not listed
in `gaps.py` — and each listed one has its own strict-xfail test, so that a fix is noticed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .spec import CorpusFile

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@dataclass(frozen=True)
class Discrepancy:
    kind: str  # see test_frameworks.KINDS
    line: int
    message: str


# -- formulas ----------------------------------------------------------------------------------------


def evaluate(formula: str, env: Dict[str, Any]) -> Optional[int]:
    """The value of a formula as RNN Lens prints it (`8·hidden²·layers - 4·hidden² + 66,048`) with
    the names' values from `env`; None when a name has no integer value there."""
    total = 0
    tokens = re.split(r" ([+-]) ", formula.strip())
    signs = [1] + [1 if sign == "+" else -1 for sign in tokens[1::2]]
    for sign, term in zip(signs, tokens[0::2]):
        if term.startswith("-"):
            sign, term = -sign, term[1:]
        value = 1
        for factor in term.split("·"):
            if re.fullmatch(r"\d{1,3}(,\d{3})*", factor):
                value *= int(factor.replace(",", ""))
                continue
            # A placeholder (`<input_size>`) stands for a value the code computes: no name has it.
            match = re.fullmatch(r"(<?[A-Za-z_][A-Za-z0-9_.]*>?)([⁰¹²³⁴⁵⁶⁷⁸⁹]*)", factor)
            assert match is not None, f"cannot read the factor {factor!r} of {formula!r}"
            name, power = match.group(1), int(match.group(2).translate(SUPERSCRIPTS) or 1)
            known = env.get(name)
            if not isinstance(known, int) or isinstance(known, bool):
                return None
            value *= known ** power
        total += sign * value
    return total


# -- the corpus file's own structure (read by the test with `ast`, never by the product) --------------


class Source:
    def __init__(self, spec: CorpusFile):
        self.spec = spec
        self.tree = ast.parse(spec.source)
        self.definitions = [node for node in self.tree.body
                            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]

    def scope_of(self, line: int) -> str:
        """The top-level class or function a line is in, or `<module>`."""
        for node in self.definitions:
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            if first <= line <= node.end_lineno:
                return node.name
        return "<module>"

    def _definition(self, line: int):
        return next((node for node in self.definitions if node.lineno <= line <= node.end_lineno), None)

    def _function_at(self, line: int) -> Optional[ast.FunctionDef]:
        found = None
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef) and node.lineno <= line <= node.end_lineno:
                if found is None or node.lineno > found.lineno:
                    found = node
        return found

    def options(self) -> Dict[str, bool]:
        """argparse options of the file → whether each has a default (`store_true`'s is False)."""
        found = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "add_argument" and node.args \
                    and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("--"):
                keywords = {k.arg: k.value for k in node.keywords}
                action = keywords.get("action")
                implicit = isinstance(action, ast.Constant) and action.value in ("store_true", "store_false")
                found[node.args[0].value[2:].replace("-", "_")] = "default" in keywords or implicit
        return found

    def has_default(self, name: str, line: int) -> bool:
        """Whether an unknown named `name` in a layer at `line` stands for something with a default: a
        parameter of the enclosing function that has one, an argparse option that has one, a field of
        a config parameter's class (or of the linen module itself) that has one."""
        function = self._function_at(line)
        head, _, attribute = name.partition(".")
        if not attribute and function is not None:
            arguments = function.args
            positional = arguments.posonlyargs + arguments.args
            defaulted = {a.arg for a in positional[len(positional) - len(arguments.defaults):]}
            defaulted |= {a.arg for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None}
            return name in defaulted
        if head == "args":
            return self.options().get(attribute, False)
        classes = {node.name: node for node in self.definitions if isinstance(node, ast.ClassDef)}
        holder = None
        if head == "self":
            holder = self._definition(line)
        elif function is not None:
            for argument in function.args.args + function.args.kwonlyargs:
                if argument.arg == head and isinstance(argument.annotation, ast.Name):
                    holder = classes.get(argument.annotation.id)
        if not isinstance(holder, ast.ClassDef):
            return False
        return any(isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name) and s.target.id == attribute
                   and s.value is not None for s in holder.body)


# -- what was built ------------------------------------------------------------------------------------


@dataclass
class Built:
    """One layer a framework built: where, in which run and build, with which count."""

    run: str  # default | probe
    build: str  # <import> | site:… | defaults:Scope:i | probe:i
    line: int
    column: int
    layer: str
    count: Optional[int]
    bound: Dict[str, Any]
    env: Dict[str, Any]


def built_layers(truth: Dict[str, Any]) -> List[Built]:
    layers = []
    for run, result in truth.items():
        assert result["error"] is None, f"the {run} run failed:\n{result['error']}"
        for build, outcome in result["builds"].items():
            assert outcome["error"] is None, f"{run} run, build {build} failed:\n{outcome['error']}"
            for layer in outcome["layers"]:
                layers.append(Built(run, build, layer["line"], layer["column"], layer["layer"], layer["count"],
                                    layer["bound"], layer["env"]))
    return layers


def _at(layers: List[Built], record: Dict[str, Any]) -> List[Built]:
    return [b for b in layers if b.line == record["line"] and b.column == record["column"]
            and b.count is not None]


def _counts(layers: List[Built]) -> List[int]:
    return [b.count for b in layers]


def _position(record: Dict[str, Any]) -> str:
    return f"{record['layer']} at {record['line']}:{record['column']}"


# -- the checks ----------------------------------------------------------------------------------------


def check_exact(record, layers: List[Built]) -> Iterator[Discrepancy]:
    """`params` is an integer only if every build of the layer — whatever the arguments, flags and
    configs — has exactly that many parameters."""
    if not isinstance(record["params"], int):
        return
    built = _at(layers, record)
    if not built:
        yield Discrepancy("coverage", record["line"], f"{_position(record)} states {record['params']} but no "
                                                      "build made it: add a build to the spec")
    wrong = sorted({(b.count, b.run, b.build) for b in built if b.count != record["params"]})
    if wrong:
        yield Discrepancy("exact", record["line"], f"{_position(record)} states params={record['params']}, but "
                                                   f"the framework built {wrong[:3]}")


def check_formula(record, layers: List[Built]) -> Iterator[Discrepancy]:
    """The honest formula, evaluated with the values the constructing code had, is the count."""
    formula = record["params_polynomial"]
    if not formula:
        return
    for built in _at(layers, record):
        value = evaluate(formula, built.env)
        if value is not None and value != built.count:
            yield Discrepancy("formula", record["line"], f"{_position(record)}: {formula} = {value} with the "
                                                         f"values of the {built.run} run's {built.build}, but the "
                                                         f"framework built {built.count}")
            return


def check_cases(record, layers: List[Built]) -> Iterator[Discrepancy]:
    """Each case (`bidirectional=True`) is the count whenever the flag has that value."""
    for case in record["cases"]:
        flag, _, value = case["when"].partition("=")
        for built in _at(layers, record):
            if flag not in built.bound or str(built.bound[flag]) != value:
                continue
            stated = case["params"] if case["params"] is not None else \
                evaluate(case["params_polynomial"], built.env) if case["params_polynomial"] else None
            if stated is not None and stated != built.count:
                yield Discrepancy("cases", record["line"], f"{_position(record)}: case {case['when']} states "
                                                           f"{stated}, the framework built {built.count} "
                                                           f"({built.run} run, {built.build})")
                return


def check_iterations(record, layers: List[Built]) -> Iterator[Discrepancy]:
    """One count per iteration: each build of the enclosing object makes exactly these, in order."""
    stated = [entry["params"] for entry in record["iterations"]]
    if not stated:
        return
    by_build: Dict[Tuple[str, str], List[int]] = {}
    for built in _at(layers, record):
        by_build.setdefault((built.run, built.build), []).append(built.count)
    if not by_build:
        yield Discrepancy("coverage", record["line"], f"{_position(record)} states iterations but no build made it")
    for (run, build), counts in by_build.items():
        repeats, rest = divmod(len(counts), len(stated))
        if rest or counts != stated * repeats:
            yield Discrepancy("iterations", record["line"], f"{_position(record)} states iterations {stated}, the "
                                                            f"framework built {counts} ({run} run, {build})")
            return


def check_iterations_known(record, layers: List[Built]) -> Iterator[Discrepancy]:
    """A layer built in a loop that makes the same counts in every build, whatever the arguments and
    flags, has a count per iteration that does not depend on anything unknown: it should be given."""
    if record["params"] is not None or record["iterations"]:
        return
    by_build: Dict[Tuple[str, str], List[int]] = {}
    for built in _at(layers, record):
        by_build.setdefault((built.run, built.build), []).append(built.count)
    sequences = {tuple(counts) for counts in by_build.values()}
    if len(sequences) == 1 and len(by_build) > 1:
        (sequence,) = sequences
        if len(sequence) > 1 and len(set(sequence)) > 1:
            yield Discrepancy("iterations-missing", record["line"], f"{_position(record)} has neither params nor "
                                                                    f"iterations, but every build makes "
                                                                    f"{list(sequence)}")


def check_defaults(record, layers: List[Built], source: Source) -> Iterator[Discrepancy]:
    """`params_with_defaults` is the count when the enclosing class or function is built with its
    defaults (at module level: the script run without flags); and it is given whenever those builds
    show it is knowable — every unknown has a default and the builds agree."""
    scope = source.scope_of(record["line"])
    prefix = "<import>" if scope == "<module>" else f"defaults:{scope}:"
    built = [b for b in _at(layers, record) if b.run == "default" and b.build.startswith(prefix)]
    stated = record["params_with_defaults"]
    counts = sorted(set(_counts(built)))
    if isinstance(stated, int):
        if not built:
            yield Discrepancy("coverage", record["line"], f"{_position(record)} states params_with_defaults={stated}"
                                                          f" but no defaults build of {scope} made it")
        elif counts != [stated]:
            yield Discrepancy("defaults", record["line"], f"{_position(record)} states params_with_defaults={stated},"
                                                          f" built with the defaults of {scope}: {counts}")
        return
    if record["params"] is not None or len(counts) != 1:
        return
    names = {u["name"] for u in record["unknowns"]}
    # Only sizes: an unknown that does not change the count (a PRNG key, an initializer) is no reason.
    sizes = {name for name in names if not _irrelevant(name, record)}
    if sizes and all(source.has_default(name, record["line"]) for name in sizes):
        yield Discrepancy("defaults-missing", record["line"], f"{_position(record)} has no params_with_defaults, "
                                                              f"but every unknown ({', '.join(sorted(sizes))}) has a "
                                                              f"default and the defaults of {scope} build {counts[0]}")


def _irrelevant(name: str, record) -> bool:
    unknown = next(u for u in record["unknowns"] if u["name"] == name)
    return unknown["argument"] in ("rngs", "key", "dropout", "weight_attr", "bias_attr", "padding_idx", "dtype",
                                   "param_dtype", "kernel_init", "name", "nonlinearity", "dropout_prob")


def check_as_built(record, layers: List[Built], sites: Dict[int, str]) -> Iterator[Discrepancy]:
    """A layer's count "as built at line N" is what the model built by the call at line N makes of it."""
    for entry in record["as_built"]:
        if not isinstance(entry["params"], int):
            continue
        needle = sites.get(entry["line"])
        if needle is None:
            yield Discrepancy("coverage", record["line"], f"{_position(record)} as built at line {entry['line']}: "
                                                          "that line is not a site of the spec")
            continue
        built = [b for b in _at(layers, record) if b.build == f"site:{needle}"]
        counts = sorted(set(_counts(built)))
        if counts != [entry["params"]]:
            yield Discrepancy("as-built", record["line"], f"{_position(record)} as built at line {entry['line']}: "
                                                          f"states {entry['params']}, the framework built "
                                                          f"{counts or 'no such layer there'}")


def check_as_built_given(record, layers: List[Built], spec: CorpusFile,
                         document: Dict[str, Any]) -> Iterator[Discrepancy]:
    """At each site whose values are all known (the spec's `sites`, reported), every layer the site
    builds once — or several times alike — has its count as built there."""
    reported = {entry["line"] for entry in document["instantiations"]}
    given = {entry["line"]: entry["params"] for entry in record["as_built"]}
    for needle in spec.sites:
        line = spec.line_of(needle)
        built = [b.count for b in _at(layers, record) if b.build == f"site:{needle}" and b.run == "default"]
        counts = set(built)
        # A layer built in a loop has one count per iteration (`iterations`), not one as built.
        if line in reported and len(built) == 1 and not isinstance(given.get(line), int):
            yield Discrepancy("as-built-missing", record["line"], f"{_position(record)} has no count as built at "
                                                                  f"line {line}, where the framework builds "
                                                                  f"{counts.pop()}")


def check_sites(spec: CorpusFile, document: Dict[str, Any], truth: Dict[str, Any]) -> Iterator[Discrepancy]:
    """Every site of the spec is reported; each reported total is what the framework built there, in
    every run (a total that changes with the command line was never known); a lower bound is not above."""
    reported = {entry["line"]: entry for entry in document["instantiations"]}
    expected = {spec.line_of(needle): needle for needle in spec.sites}
    optional = {spec.line_of(needle): needle for needle in spec.optional_sites}
    for line, needle in expected.items():
        if line not in reported:
            built = truth["default"]["builds"][f"site:{needle}"]["total"]
            yield Discrepancy("site-missing", line, f"no instantiation reported for `{needle}…` (the framework "
                                                    f"builds {built} parameters there)")
    for line, entry in reported.items():
        needle = expected.get(line) or optional.get(line)
        if needle is None:
            if entry["status"] == "exact":
                yield Discrepancy("site-unexpected", line, f"an exact instantiation of {entry['model']} at line "
                                                           f"{line} that the spec does not list")
            continue
        totals = {run: result["builds"][f"site:{needle}"]["total"] for run, result in truth.items()}
        if line in expected and entry["status"] != "exact":
            yield Discrepancy("site-inexact", line, f"{entry['model']} at line {line} is reported as "
                                                    f"{entry['status']} {entry['params']}, but every value there is "
                                                    f"known; the framework builds {totals['default']}")
        stated = entry["params"]
        if stated is None:
            continue
        if entry["status"] == "exact" and any(total != stated for total in totals.values()):
            yield Discrepancy("site", line, f"{entry['model']} at line {line} states exactly {stated:,}; the "
                                            f"framework built {totals}")
        elif entry["status"] == "lower_bound" and any(total is not None and total < stated
                                                      for total in totals.values()):
            yield Discrepancy("site", line, f"{entry['model']} at line {line} states at least {stated:,}; the "
                                            f"framework built {totals}")


def check_models(document: Dict[str, Any], truth: Dict[str, Any]) -> Iterator[Discrepancy]:
    """A class model's exact total is what every build of the class (with its defaults, in every run)
    has."""
    for model in document["models"]:
        if model["kind"] != "class" or model["status"] != "exact":
            continue
        totals = sorted({(outcome["total"], run) for run, result in truth.items()
                         for label, outcome in result["builds"].items()
                         if label.startswith(f"defaults:{model['name']}:") and outcome["total"] is not None})
        if any(total != model["params"] for total, _ in totals):
            yield Discrepancy("model", model["line"], f"the model {model['name']} states exactly "
                                                      f"{model['params']:,}; built with its defaults: {totals}")


def check_found(document: Dict[str, Any], layers: List[Built]) -> Iterator[Discrepancy]:
    """Every layer the file's code builds has a finding at its constructor."""
    positions = {(record["line"], record["column"]) for record in document["layers"]}
    missed = sorted({(b.line, b.column, b.layer) for b in layers if (b.line, b.column) not in positions})
    for line, column, layer in missed:
        yield Discrepancy("missed", line, f"the framework builds a {layer} at {line}:{column}; the analysis has no "
                                          "finding there")


def discrepancies(spec: CorpusFile, document: Dict[str, Any], truth: Dict[str, Any]) -> List[Discrepancy]:
    layers = built_layers(truth)
    source = Source(spec)
    sites = {spec.line_of(needle): needle for needle in spec.sites + spec.optional_sites}
    found: List[Discrepancy] = list(check_sites(spec, document, truth)) + list(check_found(document, layers))
    found += check_models(document, truth)
    for record in document["layers"]:
        found += check_exact(record, layers)
        found += check_formula(record, layers)
        found += check_cases(record, layers)
        found += check_iterations(record, layers)
        found += check_iterations_known(record, layers)
        found += check_as_built_given(record, layers, spec, document)
        found += check_defaults(record, layers, source)
        found += check_as_built(record, layers, sites)
    return found
