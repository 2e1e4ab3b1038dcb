"""Counting: bind a constructor's arguments to a table row and compute its exact count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple

from .polynomial import IntLike, Polynomial, total
from .spec import (
    REQUIRED,
    WEIGHT,
    Built,
    Config,
    Count,
    LayerConfig,
    LayerSpec,
    MissingValue,
    Problem,
    Tensor,
    Unknown,
)


class Catalog:
    """Every table row, looked up by (framework, class name)."""

    def __init__(self, specs: Iterable[LayerSpec]):
        self._specs: Dict[Tuple[str, str, str], LayerSpec] = {}
        self.add(specs)

    def add(self, specs: Iterable[LayerSpec]) -> None:
        for spec in specs:
            key = (spec.framework, spec.namespace, spec.name)
            if key in self._specs:
                raise ValueError(f"duplicate table row {key}")
            self._specs[key] = spec

    def get(self, framework: str, layer: str, namespace: str = "") -> Optional[LayerSpec]:
        return self._specs.get((framework, namespace, layer))

    def __iter__(self):
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)


@dataclass(frozen=True)
class Binding:
    values: Dict[str, Any]
    problems: Tuple[Problem, ...]


def bind(spec: LayerSpec, positional: Sequence[Any] = (), keywords: Mapping[str, Any] = {}) -> Binding:
    """Map a call's arguments onto the constructor's signature the way Python would, reporting
    what Python would raise as errors. Missing arguments are left to `count` to default."""
    values: Dict[str, Any] = {}
    problems = []
    slots = spec.positional
    if len(positional) > len(slots):
        problems.append(
            Problem("error", f"{spec.name}() takes at most {len(slots)} positional arguments ({len(positional)} given)")
        )
    for arg, value in zip(slots, positional):
        values[arg.name] = value
    for name, value in keywords.items():
        if spec.argument(name) is None:
            if not spec.accepts_extra_keywords:
                problems.append(Problem("error", f"{spec.name}() got an unexpected keyword argument '{name}'", name))
            continue
        if name in values:
            problems.append(Problem("error", f"{spec.name}() got multiple values for argument '{name}'", name))
        values[name] = value
    return Binding(values, tuple(problems))


def count(
    spec: LayerSpec,
    arguments: Mapping[str, Any],
    input_size: Optional[IntLike] = None,
    catalog: Optional[Catalog] = None,
) -> Count:
    """Count one layer from its bound arguments (missing ones take the framework's defaults).

    Sizes may be ints, polynomials or `Unknown`s; the count is then a polynomial in the unknown
    names. `input_size` is the size the layer sees when called, for frameworks that learn it then.
    """
    values: Dict[str, Any] = {}
    problems = []
    for arg in spec.signature:
        if arg.name in arguments:
            values[arg.name] = arguments[arg.name]
        elif arg.default is REQUIRED:
            values[arg.name] = Unknown(arg.name, f"required argument `{arg.name}` is missing")
            problems.append(Problem("error", f"{spec.name}() missing required argument: '{arg.name}'", arg.name))
        else:
            values[arg.name] = arg.default

    problems.extend(_run_checks(spec, values))
    if any(problem.severity == "error" for problem in problems):
        return _uncounted(spec, problems, {})

    def count_nested(config: LayerConfig, nested_input: Optional[Polynomial]) -> Count:
        nested_spec = catalog.get(config.framework, config.layer, config.namespace) if catalog else None
        if nested_spec is None:
            raise MissingValue(config.layer, Unknown(config.layer, f"`{config.layer}` is not a layer this tool counts"))
        return count(nested_spec, config.arguments, nested_input, catalog)

    config = Config(spec, values, None if input_size is None else Polynomial.of(input_size), count_nested)
    try:
        built = spec.build(config)
    except UNEXPECTED_VALUE:
        # A value the row was not written for (a tuple where a size goes...): an honest "cannot count"
        # rather than an exception out of the core, which would take the whole analysis with it.
        unknown = Unknown(spec.name, "an argument has a value this tool cannot read")
        return _not_counted(spec, problems, config, unknown, None)
    except MissingValue as missing:
        return _not_counted(spec, problems, config, missing.unknown, missing.argument)

    for child in built.children:
        problems.extend(child.problems)
    problems.extend(_refused_shapes(spec, built))
    if any(problem.severity == "error" for problem in problems):
        return _uncounted(spec, problems, config.unknowns)
    tensors = tuple(Tensor(t.name, t.shape, t.params, t.trainable, t.role) for t in built.tensors)
    layer_total = total(t.params for t in tensors)
    formula = built.formula.text
    return Count(
        framework=spec.framework,
        layer=spec.name,
        total=layer_total,
        trainable=total(t.params for t in tensors if t.trainable),
        tensors=tensors,
        formula=formula if formula == str(layer_total) else f"{formula} = {layer_total}",
        output_size=built.output_size,
        macs_per_step=total(t.params for t in tensors if t.role == WEIGHT),
        problems=tuple(problems),
        unknowns=tuple(config.unknowns.values()),
        children=built.children,
    )


# What a row or a check raises on a value it was not written for (never a refusal of the framework's).
UNEXPECTED_VALUE = (TypeError, ValueError, ArithmeticError, IndexError, KeyError)


def _uncounted(spec: LayerSpec, problems: Sequence[Problem], unknowns: Mapping[str, Unknown]) -> Count:
    return Count(spec.framework, spec.name, None, None, (), "", None, None, tuple(problems), tuple(unknowns.values()))


def _not_counted(spec: LayerSpec, problems: list, config: Config, unknown: Unknown, argument: Optional[str]) -> Count:
    config.unknowns.setdefault(unknown.name, unknown)
    problems.append(Problem("info", f"cannot count {spec.name}: {unknown.reason}", argument))
    return _uncounted(spec, problems, config.unknowns)


def _refused_shapes(spec: LayerSpec, built: Built) -> Iterable[Problem]:
    """The framework's refusal of the first tensor it cannot create (a negative size, or more elements
    than its sizes can count): the checks cover what it validates by name, this what its arrays refuse."""
    for t in built.tensors:
        message = spec.refuse_shape(t.shape)
        if message is not None:
            yield Problem("error", message)
            return


def _run_checks(spec: LayerSpec, values: Mapping[str, Any]) -> Iterable[Problem]:
    for check in spec.checks:
        known = {name: _concrete(values[name]) for name in check.arguments}
        if any(value is _UNKNOWN for value in known.values()):
            continue
        try:
            failed = check.fails(**known)
            message = check.describe(known) if failed else ""
        except UNEXPECTED_VALUE:  # a value the check was not written for: the framework's verdict is unknown
            continue
        if failed:
            yield Problem(check.severity, message, check.arguments[0])
            if check.severity == "error":
                return  # the framework raises at its first complaint; what follows it never sees


_UNKNOWN = object()


def _concrete(value: Any) -> Any:
    if isinstance(value, Unknown):
        return _UNKNOWN
    if isinstance(value, Polynomial):
        return value.value if value.is_constant else _UNKNOWN
    return value
