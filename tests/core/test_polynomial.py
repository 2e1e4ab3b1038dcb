from hypothesis import given, strategies as st

from rnnlens.core import Polynomial
from rnnlens.core.formula import term

h, i = Polynomial.symbol("h"), Polynomial.symbol("i")


def test_prints_with_thousands_separators_and_superscripts():
    assert str(4 * (256 * i + Polynomial.constant(256) ** 2 + 2 * 256)) == "1,024·i + 264,192"
    assert str(4 * (h * i + h**2 + 2 * h)) == "4·h² + 4·h·i + 8·h"
    assert str(Polynomial()) == "0"
    assert str(h - 3) == "h - 3"
    assert str(-h) == "-h"


def test_constant_polynomials_have_a_value():
    assert Polynomial.constant(48).is_constant and Polynomial.constant(48).value == 48
    assert not (h + 1).is_constant
    assert (h * 0 + 5).value == 5


def test_unknowns_and_substitution():
    count = 4 * (h * i + h**2 + h)
    assert count.unknowns == ("h", "i")
    assert count.substitute({"h": 2, "i": 3}) == 48
    assert str(count.substitute({"h": 256})) == "1,024·i + 263,168"


@given(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6), st.integers(-50, 50), st.integers(-50, 50))
def test_arithmetic_agrees_with_integers(a, b, x, y):
    p = a * h + b * i * h + 7
    q = x * i - y
    values = {"h": a % 97, "i": b % 89}
    evaluate = lambda poly: poly.substitute(values).value  # noqa: E731
    assert evaluate(p + q) == evaluate(p) + evaluate(q)
    assert evaluate(p * q) == evaluate(p) * evaluate(q)
    assert evaluate(p - q) == evaluate(p) - evaluate(q)
    assert evaluate(q**2) == evaluate(q) ** 2


def test_formula_terms_carry_text_and_value():
    formula = 4 * (term(2) * term(3) + term(2) ** 2 + term(2))
    assert formula.text == "4·(2·3 + 2² + 2)"
    assert formula.value == 48
    unknown = term(4) * (term(256) * term(i) + term(256) ** 2 + term(256))
    assert unknown.value == 1024 * i + 263168
    assert term(2 * h).text == "2·h" and (term(2 * h) ** 2).text == "(2·h)²"
    assert (term(h + 1) * term(3)).text == "(h + 1)·3"
