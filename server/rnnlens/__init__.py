"""RNN Lens: exact parameter counts for recurrent layers, read statically from Python source."""

__version__ = "0.1.0"
