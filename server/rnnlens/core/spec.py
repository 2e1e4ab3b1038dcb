"""The nouns of the counting core: what a framework table declares, and what counting returns.

A `LayerSpec` is one row of a framework table: the constructor's signature, the checks the
framework makes (with its own wording), and a `build` function that turns the bound arguments into
tensors, a formula and the output size. Nothing here knows about source code or editors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from .formula import Term
from .polynomial import Polynomial

REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "REQUIRED"})()

# Roles decide what a tensor contributes beyond its size: only "weight" tensors are multiplied
# with the input or state at every step (MACs); "statistic" tensors are never trained.
WEIGHT, BIAS, TABLE, SCALE, STATISTIC = "weight", "bias", "table", "scale", "statistic"

# Every framework sizes its arrays with int64: an array of more elements than that cannot be made.
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Unknown:
    """A value the caller could not determine statically, and why."""

    name: str
    reason: str = ""


@dataclass(frozen=True)
class LayerConfig:
    """A nested layer passed as an argument (`Bidirectional(LSTM(8))`), not yet counted: a wrapper
    decides what input size the inner layer sees."""

    framework: str
    layer: str
    arguments: Mapping[str, Any]
    namespace: str = ""


@dataclass(frozen=True)
class Arg:
    name: str
    default: Any = REQUIRED
    keyword_only: bool = False


@dataclass(frozen=True)
class Check:
    """A rule the framework enforces at construction. `fails` receives the named arguments' values
    (only when all are known) and says whether the framework would complain."""

    arguments: Tuple[str, ...]
    fails: Callable[..., bool]
    message: Union[str, Callable[..., str]]  # a str.format template, or a function of the values
    severity: str = "error"

    def describe(self, values: Mapping[str, Any]) -> str:
        return self.message(**values) if callable(self.message) else self.message.format(**values)


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" (the framework refuses), "warning" (it warns), "info" (we cannot count)
    message: str
    argument: Optional[str] = None


@dataclass(frozen=True)
class TensorSpec:
    name: str
    shape: Tuple[Polynomial, ...]
    role: str = WEIGHT
    trainable: bool = True

    @property
    def params(self) -> Polynomial:
        result = Polynomial.constant(1)
        for dimension in self.shape:
            result = result * dimension
        return result


def negative_dimension(shape: Tuple[Polynomial, ...]) -> Optional[int]:
    """The first dimension known to be negative, if any: no framework makes such an array."""
    return next((d.value for d in shape if d.is_constant and d.value < 0), None)


def elements(shape: Tuple[Polynomial, ...]) -> Optional[int]:
    """The number of elements of a shape whose every dimension is known."""
    if not all(d.is_constant for d in shape):
        return None
    result = 1
    for dimension in shape:
        result *= dimension.value
    return result


def shape_text(shape: Tuple[Polynomial, ...], shown: int = 16) -> str:
    """The dimensions as a framework prints them, the first `shown` only: a message stays readable
    even for the 4,096 sizes of `LayerNorm([3] * 4096)`."""
    text = ", ".join(str(d.value) if d.is_constant else str(d) for d in shape[:shown])
    return text + f", … ({len(shape)} dimensions)" if len(shape) > shown else text


def refused_shape(shape: Tuple[Polynomial, ...]) -> Optional[str]:
    """Why no framework can make an array of this shape, in general words: a table whose framework
    words it its own way says so with `LayerSpec.refuse_shape`."""
    negative = negative_dimension(shape)
    if negative is not None:
        return f"cannot create an array of shape ({shape_text(shape)}): negative dimension {negative}"
    count = elements(shape)
    if count is not None and count > INT64_MAX:
        return f"cannot create an array of shape ({shape_text(shape)}): its element count overflows int64"
    return None


@dataclass(frozen=True)
class Built:
    """What a table's build function returns for one configuration."""

    tensors: Tuple[TensorSpec, ...]
    formula: Term
    output_size: Optional[Polynomial]
    children: Tuple["Count", ...] = ()


@dataclass(frozen=True)
class LayerSpec:
    framework: str
    name: str
    signature: Tuple[Arg, ...]
    build: Callable[["Config"], Built]
    checks: Tuple[Check, ...] = ()
    # Where the input size comes from: the name of an argument (torch's `input_size`), or None when
    # the framework learns it when the layer is first called (Keras, flax linen, Haiku).
    input_argument: Optional[str] = None
    # Arguments beyond the signature (`**kwargs`) are accepted and ignored.
    accepts_extra_keywords: bool = False
    kind: str = "recurrent"  # recurrent | cell | wrapper | common | shape
    # Distinguishes same-named classes of one framework (flax's "linen" and "nnx" cells).
    namespace: str = ""
    # The framework's refusal of a tensor shape the build produced (a negative or overflowing size), if
    # any: checked on every tensor in the order the layer creates them, after `checks`.
    refuse_shape: Callable[[Tuple[Polynomial, ...]], Optional[str]] = refused_shape

    @property
    def positional(self) -> Tuple[Arg, ...]:
        return tuple(arg for arg in self.signature if not arg.keyword_only)

    def argument(self, name: str) -> Optional[Arg]:
        return next((arg for arg in self.signature if arg.name == name), None)


@dataclass(frozen=True)
class Tensor:
    name: str
    shape: Tuple[Polynomial, ...]
    params: Polynomial
    trainable: bool
    role: str


@dataclass(frozen=True)
class Count:
    """The core's answer for one layer. `total` is None when no count exists: the framework would
    reject the configuration, or a value that decides the structure (a flag) is unknown."""

    framework: str
    layer: str
    total: Optional[Polynomial]
    trainable: Optional[Polynomial]
    tensors: Tuple[Tensor, ...]
    formula: str
    output_size: Optional[Polynomial]
    macs_per_step: Optional[Polynomial]
    problems: Tuple[Problem, ...]
    unknowns: Tuple[Unknown, ...]
    children: Tuple["Count", ...] = ()

    @property
    def is_exact(self) -> bool:
        return self.total is not None and self.total.is_constant

    @property
    def errors(self) -> Tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


class MissingValue(Exception):
    """Raised inside a build function when a value that decides the layer's structure is unknown."""

    def __init__(self, argument: str, unknown: Unknown):
        super().__init__(argument)
        self.argument = argument
        self.unknown = unknown


@dataclass
class Config:
    """The bound arguments a build function reads, with typed accessors that turn unknown sizes
    into polynomial symbols and unknown flags into `MissingValue`."""

    spec: LayerSpec
    values: Dict[str, Any]
    input_size: Optional[Polynomial]
    count_nested: Callable[[LayerConfig, Optional[Polynomial]], Count]
    unknowns: Dict[str, Unknown] = field(default_factory=dict)

    def raw(self, name: str) -> Any:
        return self.values[name]

    def size(self, name: str) -> Polynomial:
        value = self.values[name]
        if isinstance(value, Polynomial):
            for symbol in value.unknowns:
                self.unknowns.setdefault(symbol, Unknown(symbol, f"`{name}` is not known statically"))
            return value
        if isinstance(value, Unknown):
            self.unknowns.setdefault(value.name, value)
            return Polynomial.symbol(value.name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise MissingValue(name, Unknown(name, f"`{name}` is not an integer size: {value!r}"))
        return Polynomial.constant(value)

    def flag(self, name: str) -> bool:
        return bool(self.known(name))

    def known(self, name: str) -> Any:
        value = self.values[name]
        if isinstance(value, Unknown) or (isinstance(value, Polynomial) and not value.is_constant):
            symbol = value.unknowns[0] if isinstance(value, Polynomial) and len(value.unknowns) == 1 else name
            unknown = value if isinstance(value, Unknown) else Unknown(symbol, f"`{name}` is not known")
            raise MissingValue(name, unknown)
        return value.value if isinstance(value, Polynomial) else value

    def sizes(self, name: str) -> Tuple[Polynomial, ...]:
        """A size or a tuple of sizes (kernel sizes), always as a tuple."""
        value = self.values[name]
        items = value if isinstance(value, (tuple, list)) else (value,)
        return tuple(self._size_of(name, item) for item in items)

    def _size_of(self, name: str, item: Any) -> Polynomial:
        saved = self.values[name]
        self.values[name] = item
        try:
            return self.size(name)
        finally:
            self.values[name] = saved

    @property
    def input(self) -> Polynomial:
        if self.spec.input_argument is not None:
            return self.size(self.spec.input_argument)
        if self.input_size is None:
            self.unknowns.setdefault(
                "input_size", Unknown("input_size", "the input size is known only when the layer is called")
            )
            return Polynomial.symbol("input_size")
        for symbol in self.input_size.unknowns:
            self.unknowns.setdefault(symbol, Unknown(symbol, "the input size is not known statically"))
        return self.input_size

    def nested(self, name: str, input_size: Optional[Polynomial]) -> Count:
        value = self.values[name]
        if not isinstance(value, LayerConfig):
            raise MissingValue(name, Unknown(name, f"`{name}` is not a layer this tool understands"))
        return self.count_nested(value, input_size)


def tensor(name: str, *shape: Any, role: str = WEIGHT, trainable: bool = True) -> TensorSpec:
    return TensorSpec(name, tuple(Polynomial.of(d) for d in shape), role, trainable)


def prefixed(prefix: str, count: "Count") -> Tuple[TensorSpec, ...]:
    """A nested layer's tensors as its owner names them (`forward_lstm/` + `lstm_cell/kernel`)."""
    return tuple(TensorSpec(prefix + t.name, t.shape, t.role, t.trainable) for t in count.tensors)
