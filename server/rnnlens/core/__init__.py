"""The counting core: exact parameter counts from a layer's framework, class and arguments.

Pure Python: it imports no framework, no parser and no protocol library.
"""

from .count import Binding, Catalog, bind, count
from .polynomial import Polynomial
from .spec import Count, LayerConfig, LayerSpec, Problem, Tensor, Unknown

__all__ = ["Binding", "Catalog", "Count", "LayerConfig", "LayerSpec", "Polynomial", "Problem", "Tensor",
           "Unknown", "bind", "count"]
