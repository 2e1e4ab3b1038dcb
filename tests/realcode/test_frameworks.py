"""The real-code corpus against the real frameworks (issue 9's proof).

For every corpus file, `rnnlens check --json` is compared with what PyTorch, Keras, Flax (linen and
NNX), Equinox, Haiku and PaddlePaddle build when the file runs and when its classes and functions are
built with the values of its instantiation sites, with their defaults, and with other values
(checks.py says exactly what is compared). A discrepancy fails the test unless gaps.py lists it with
its diagnosis; each listed one is a strict xfail of its own, so that a fix is noticed.
"""

from __future__ import annotations

import pytest

from .checks import discrepancies
from .gaps import GAPS
from .spec import BY_PATH, FILES

pytestmark = pytest.mark.differential


def _key(path, discrepancy):
    return next((key for key in GAPS if key[0] == path and key[1] == discrepancy.kind
                 and BY_PATH[path].matches(key[2], discrepancy.line)), None)


@pytest.mark.parametrize("path", [spec.path for spec in FILES])
def test_the_analysis_agrees_with_the_frameworks(path, report, truth):
    found = discrepancies(BY_PATH[path], report[path], truth[path])
    unexplained = [d for d in found if _key(path, d) is None]
    assert not unexplained, "\n".join(f"line {d.line} [{d.kind}] {d.message}" for d in unexplained)


KINDS = {"exact", "site", "site-missing", "site-unexpected", "site-inexact", "as-built", "as-built-missing", "defaults",
         "defaults-missing", "formula", "cases", "iterations", "iterations-missing", "coverage", "missed", "model"}


def test_every_gap_names_one_line_and_a_kind():
    for path, kind, needle in GAPS:
        assert kind in KINDS, kind
        BY_PATH[path].line_of(needle)


# `raises=AssertionError`: a gap whose line cannot be found fails for real instead of "xfailing".
@pytest.mark.parametrize("key", [pytest.param(key, id=f"{key[0]}:{key[1]}:{key[2][:30]}",
                                              marks=pytest.mark.xfail(strict=True, reason=reason,
                                                                      raises=AssertionError))
                                 for key, reason in GAPS.items()])
def test_known_gap_is_closed(key, report, truth):
    path, kind, needle = key
    line = BY_PATH[path].line_of(needle)
    found = [d for d in discrepancies(BY_PATH[path], report[path], truth[path]) if d.kind == kind and d.line == line]
    assert not found, "\n".join(d.message for d in found)
