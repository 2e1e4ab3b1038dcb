"""Source analysis: find recurrent-layer constructors in Python source and count them statically.

Never imports or runs the code it reads; knows nothing of editors or the language server protocol.
"""

from .findings import DocumentAnalysis, Finding, ModelFinding
from .units import UnitCache, analyze

__all__ = ["DocumentAnalysis", "Finding", "ModelFinding", "UnitCache", "analyze"]
