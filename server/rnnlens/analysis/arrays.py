"""The size of an array a module keeps as a field (`self.bias = jnp.zeros(out_size)` in an
eqx.Module, which equinox counts as a parameter): the product of the shape its constructor is given.
"""

from __future__ import annotations

from typing import Callable, Optional

from ..core import Polynomial
from .syntax import Node, call_arguments
from .values import Items, Value, as_polynomial

# The array constructors whose shape argument is known, and where it is: (position, keyword).
_SHAPED = {f"jax.numpy.{name}": (0, "shape") for name in ("zeros", "ones", "empty", "full")}
_SHAPED.update({f"jax.random.{name}": (1, "shape") for name in ("normal", "uniform", "gumbel")})
_SHAPED.update({"jax.random.bernoulli": (2, "shape"), "jax.random.truncated_normal": (3, "shape")})


def array_size(call: Node, path: str, evaluate: Callable[[Node], Value]) -> Optional[Polynomial]:
    """How many numbers `call` (the constructor at `path`) makes; None when its shape is not known."""
    where = _SHAPED.get(path)
    if where is None:
        return None
    positional, keywords, unpacking = call_arguments(call)
    position, keyword = where
    shape = keywords[keyword][1] if keyword in keywords else positional[position] \
        if len(positional) > position else None
    if shape is None or unpacking:
        return None
    value = evaluate(shape)
    dimensions = value.items if isinstance(value, Items) else (value,)
    size = Polynomial.constant(1)
    for dimension in dimensions:
        polynomial = as_polynomial(dimension)
        if polynomial is None:
            return None
        size = size * polynomial
    return size
