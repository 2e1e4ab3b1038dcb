"""Property: for random valid programs of constants and constructor calls, the analysis agrees with the
counting core evaluated on the same values.

The generator writes a module (or a function, or a class's `__init__`) that binds constants —
literals, earlier constants, arithmetic on them, sometimes rebinding a name — and then calls layer
constructors with those expressions as positional and keyword arguments, under one of several import
forms. The test knows every value (it computes them as it writes the text), binds them onto the row's
signature and asks the core; the analysis reads only the text. For Keras, the layers form a
`Sequential` after an `Input`, and the test passes each layer the core's output size of the one before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from hypothesis import HealthCheck, given, settings, strategies as st

from rnnlens.catalog import CATALOG
from rnnlens.core import Polynomial, Unknown, bind, count

from .helpers import source_json

NAMES = ["H", "SIZE", "n_in", "hidden_dim", "EMB"]


@dataclass
class Program:
    lines: List[str] = field(default_factory=list)
    env: Dict[str, int] = field(default_factory=dict)
    expected: List[Tuple[str, Optional[int]]] = field(default_factory=list)  # (layer, params)


def integer_expression(draw, env: Dict[str, Any], depth: int = 0) -> Tuple[str, Any]:
    """Text and value of an integer expression over the bound constants; a value is a `Polynomial`
    when the expression uses a function's parameter (then only + - * apply to it)."""
    choices = ["literal", "literal"] + (["name"] if env else []) + (["binary", "paren"] if depth < 3 else [])
    kind = draw(st.sampled_from(choices))
    if kind == "literal":
        value = draw(st.integers(1, 40))
        return (f"{value:_}" if value >= 1000 else str(value)), value
    if kind == "name":
        name = draw(st.sampled_from(sorted(env)))
        return name, env[name]
    if kind == "paren":
        text, value = integer_expression(draw, env, depth + 1)
        return f"({text})", value
    left_text, left = integer_expression(draw, env, depth + 1)
    operator = draw(st.sampled_from(["+", "-", "*", "//", "%"]))
    if operator in ("//", "%") and isinstance(left, Polynomial):
        operator = "+"
    if operator in ("//", "%"):
        right = draw(st.integers(1, 7))
        right_text = str(right)
    else:
        right_text, right = integer_expression(draw, env, depth + 1)
    left_text = f"({left_text})" if " " in left_text else left_text
    right_text = f"({right_text})" if " " in right_text else right_text
    value = {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
             "//": lambda: left // right, "%": lambda: left % right}[operator]()
    return f"{left_text} {operator} {right_text}", value


def positive(draw, env, low=1, high=64, symbolic=True) -> Tuple[str, Any]:
    """An expression whose value is a usable size (the generator keeps programs valid), or with
    `symbolic`, possibly a polynomial in the parameters."""
    if not symbolic:
        env = {name: value for name, value in env.items() if isinstance(value, int)}
    text, value = integer_expression(draw, env)
    if isinstance(value, Polynomial):
        if not value.is_constant:
            return text, value
        value = value.value
    if low <= value <= high:
        return text, value
    value = draw(st.integers(low, high))
    return str(value), value


# Each layer: framework, import line, how the code names the class, row name, namespace, and the
# arguments to draw: (name, kind) with kind "size", "flag", "layers", or a fixed list of choices.
TORCH_IMPORTS = [("import torch.nn as nn\n", "nn.{}"), ("from torch import nn\n", "nn.{}"),
                 ("import torch\n", "torch.nn.{}"), ("from torch.nn import {0} as Layer_{0}\n", "Layer_{}")]
TORCH_ROWS = {
    "LSTM": [("input_size", "size"), ("hidden_size", "size"), ("num_layers", "layers"), ("bias", "flag"),
             ("batch_first", "flag"), ("bidirectional", "flag"), ("proj_size", "proj")],
    "GRU": [("input_size", "size"), ("hidden_size", "size"), ("num_layers", "layers"), ("bias", "flag"),
            ("bidirectional", "flag")],
    "RNN": [("input_size", "size"), ("hidden_size", "size"), ("num_layers", "layers"),
            ("nonlinearity", ["'tanh'", "'relu'"]), ("bias", "flag"), ("bidirectional", "flag")],
    "LSTMCell": [("input_size", "size"), ("hidden_size", "size"), ("bias", "flag")],
    "GRUCell": [("input_size", "size"), ("hidden_size", "size"), ("bias", "flag")],
    "RNNCell": [("input_size", "size"), ("hidden_size", "size"), ("bias", "flag")],
    "Linear": [("in_features", "size"), ("out_features", "size"), ("bias", "flag")],
    "Embedding": [("num_embeddings", "size"), ("embedding_dim", "size")],
}
PADDLE_IMPORTS = [("import paddle.nn as pnn\n", "pnn.{}"), ("import paddle\n", "paddle.nn.{}"),
                  ("from paddle.nn import {0}\n", "{}")]
DIRECTIONS = ["'forward'", "'bidirect'", "'bidirectional'"]
PADDLE_ROWS = {
    "LSTM": [("input_size", "size"), ("hidden_size", "size"), ("num_layers", "layers"), ("direction", DIRECTIONS)],
    "GRU": [("input_size", "size"), ("hidden_size", "size"), ("num_layers", "layers"), ("direction", DIRECTIONS)],
    "SimpleRNN": [("input_size", "size"), ("hidden_size", "size"), ("num_layers", "layers"),
                  ("direction", DIRECTIONS), ("activation", ["'tanh'", "'relu'"])],
    "LSTMCell": [("input_size", "size"), ("hidden_size", "size")],
    "GRUCell": [("input_size", "size"), ("hidden_size", "size")],
    "SimpleRNNCell": [("input_size", "size"), ("hidden_size", "size")],
    "Linear": [("in_features", "size"), ("out_features", "size")],
    "Embedding": [("num_embeddings", "size"), ("embedding_dim", "size")],
}
EQUINOX_IMPORTS = [("import equinox as eqx\nimport jax\nKEY = jax.random.PRNGKey(0)\n", "eqx.nn.{}"),
                   ("import equinox\nKEY = None\n", "equinox.nn.{}")]
EQUINOX_ROWS = {
    "LSTMCell": [("input_size", "size"), ("hidden_size", "size"), ("use_bias", "flag")],
    "GRUCell": [("input_size", "size"), ("hidden_size", "size"), ("use_bias", "flag")],
    "Linear": [("in_features", "size"), ("out_features", "size"), ("use_bias", "flag")],
}
NNX_IMPORTS = [("from flax import nnx\nRNGS = nnx.Rngs(0)\n", "nnx.{}"),
               ("import flax.nnx as nnx\nRNGS = nnx.Rngs(params=0)\n", "nnx.{}")]
NNX_ROWS = {
    "LSTMCell": [("in_features", "size"), ("hidden_features", "size")],
    "OptimizedLSTMCell": [("in_features", "size"), ("hidden_features", "size")],
    "GRUCell": [("in_features", "size"), ("hidden_features", "size")],
    "SimpleCell": [("in_features", "size"), ("hidden_features", "size")],
    "Linear": [("in_features", "size"), ("out_features", "size"), ("use_bias", "flag")],
}
KERAS_ROWS = {
    "LSTM": [("units", "size"), ("use_bias", "flag")],
    "GRU": [("units", "size"), ("use_bias", "flag"), ("reset_after", "flag")],
    "SimpleRNN": [("units", "size"), ("use_bias", "flag")],
    "Dense": [("units", "size"), ("use_bias", "flag")],
}
KERAS_IMPORTS = [("import keras\n", "keras.layers.{}"), ("from keras import layers\nimport keras\n", "layers.{}"),
                 ("from tensorflow import keras\n", "keras.layers.{}")]


def literal(value: Any) -> str:
    return repr(value) if not isinstance(value, bool) else str(value)


def draw_arguments(draw, env, arguments) -> Tuple[List[Tuple[str, str, Any]], Dict[str, Any]]:
    """[(name, text, value)] for the arguments to pass, in signature order."""
    chosen, values = [], {}
    for index, (name, kind) in enumerate(arguments):
        required = index < 2 and kind == "size"
        if not required and not draw(st.booleans()):
            continue
        if kind == "size":
            text, value = positive(draw, env)
        elif kind == "flag":
            value = draw(st.booleans())
            text = literal(value)
        elif kind == "layers":
            text, value = positive(draw, env, 1, 3, symbolic=False)
        elif kind == "proj":
            hidden = values.get("hidden_size", 1)
            value = draw(st.integers(0, max(hidden - 1, 0))) if isinstance(hidden, int) else 0
            text = str(value)
        else:
            text = draw(st.sampled_from(kind))
            value = text.strip("'")
        chosen.append((name, text, value))
        values[name] = value
    return chosen, values


def call_text(draw, callee: str, chosen, slots: List[str]) -> Tuple[str, List[Any], Dict[str, Any]]:
    """Some leading arguments positional (as far as they fill the signature's slots without a gap), the
    rest as keywords."""
    fitting = 0
    while fitting < len(chosen) and fitting < len(slots) and chosen[fitting][0] == slots[fitting]:
        fitting += 1
    positional_count = draw(st.integers(0, fitting))
    parts, positional, keywords = [], [], {}
    for index, (name, text, value) in enumerate(chosen):
        if index < positional_count:
            parts.append(text)
            positional.append(value)
        else:
            parts.append(f"{name}={text}")
            keywords[name] = value
    return f"{callee}({', '.join(parts)})", positional, keywords


def core_count(framework, layer, positional, keywords, input_size=None, namespace=""):
    spec = CATALOG.get(framework, layer, namespace)
    binding = bind(spec, positional, keywords)
    assert not binding.problems, binding.problems  # the generator writes valid calls
    return count(spec, binding.values, input_size, CATALOG)


@st.composite
def constants(draw, program: Program, indent: str = "", prefix: str = ""):
    for _ in range(draw(st.integers(0, 6))):
        name = draw(st.sampled_from(NAMES))
        text, value = integer_expression(draw, program.env)
        if isinstance(value, int) and abs(value) > 10**6:
            text, value = str(value % 97), value % 97
        program.lines.append(f"{indent}{prefix}{name} = {text}")
        program.env[prefix + name] = value
    return program


# Frameworks whose constructors take every size: (import forms, rows, a keyword every call needs, the
# name of the module-level value it passes, the framework's key in the catalog, the namespace).
EXPLICIT = {
    "torch": (TORCH_IMPORTS, TORCH_ROWS, None, "torch", ""),
    "paddle": (PADDLE_IMPORTS, PADDLE_ROWS, None, "paddle", ""),
    "equinox": (EQUINOX_IMPORTS, EQUINOX_ROWS, "key", "equinox", ""),
    "nnx": (NNX_IMPORTS, NNX_ROWS, "rngs", "flax", "nnx"),
}


@st.composite
def explicit_programs(draw, name: str) -> Tuple[str, Program]:
    forms, rows_of, needed, framework, namespace = EXPLICIT[name]
    imports, pattern = draw(st.sampled_from(forms))
    scope = draw(st.sampled_from(["module", "function", "method"]))
    program = Program()
    indent = {"module": "", "function": "    ", "method": "        "}[scope]
    prefix = "self." if scope == "method" and draw(st.booleans()) else ""
    parameters = draw(st.sampled_from([(), ("n",), ("n", "m")])) if scope == "function" else ()
    program.env.update({parameter: Polynomial.symbol(parameter) for parameter in parameters})
    draw(constants(program, indent, prefix))
    rows = draw(st.lists(st.sampled_from(sorted(rows_of)), min_size=1, max_size=3))
    header = [imports.format(layer) if "{0}" in imports else imports for layer in sorted(set(rows))]
    calls = []
    for number, layer in enumerate(rows):
        chosen, _ = draw_arguments(draw, program.env, rows_of[layer])
        spec = CATALOG.get(framework, layer, namespace)
        text, positional, keywords = call_text(draw, pattern.format(layer), chosen,
                                               [arg.name for arg in spec.positional])
        if needed:  # `key=KEY`, `rngs=RNGS`: a value the analysis cannot know, and the count does not use
            text = text[:-1] + (", " if not text.endswith("()") else "") + f"{needed}={needed.upper()})"
            keywords[needed] = Unknown(needed.upper(), "the result of a call this tool does not evaluate")
        result = core_count(framework, layer, positional, keywords, namespace=namespace)
        calls.append(f"{indent}{'self.' if scope == 'method' else ''}layer{number} = {text}")
        program.expected.append((layer, stated(result.total)))
    body = program.lines + calls
    torch_module = name == "torch" and pattern.startswith("nn.")
    if scope == "function":
        lines = [f"def build({', '.join(parameters)}):"] + body + ["    return layer0"]
    elif scope == "method":
        lines = ["class Model(nn.Module):" if torch_module else "class Model:", "    def __init__(self):"]
        lines += (["        super().__init__()"] if torch_module else []) + body
    else:
        lines = body
    return "".join(dict.fromkeys(header)) + "\n".join(lines) + "\n", program


@st.composite
def keras_programs(draw) -> Tuple[str, Program]:
    imports, pattern = draw(st.sampled_from(KERAS_IMPORTS))
    program = Program()
    draw(constants(program))
    features_text, features = positive(draw, program.env)
    rows = draw(st.lists(st.sampled_from(sorted(KERAS_ROWS)), min_size=1, max_size=4))
    items, size = [f"    keras.Input((None, {features_text})),"], features
    for index, layer in enumerate(rows):
        chosen, _ = draw_arguments(draw, program.env, KERAS_ROWS[layer])
        if layer != "Dense" and index < len(rows) - 1:
            chosen.append(("return_sequences", "True", True))
        slots = [arg.name for arg in CATALOG.get("keras", layer).positional]
        text, positional, keywords = call_text(draw, pattern.format(layer), chosen, slots)
        result = core_count("keras", layer, positional, keywords, size)
        program.expected.append((layer, result.total.value if result.total is not None else None))
        size = result.output_size.value if result.output_size is not None else None
        items.append(f"    {text},")
    lines = program.lines + ["model = keras.Sequential(["] + items + ["])"]
    return imports + "\n".join(lines) + "\n", program


def stated(total: Optional[Polynomial]) -> Any:
    """A count as the JSON states it: an integer, or the polynomial's text."""
    if total is None:
        return None
    return total.value if total.is_constant else str(total)


def analysed(tmp_path_factory, source):
    record = source_json(tmp_path_factory.mktemp("p"), source)
    return [(layer["layer"], layer["params"] if layer["params"] is not None else layer["params_polynomial"])
            for layer in record["layers"] if layer["layer"] != "Input"]


SETTINGS = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large], deadline=None)


@SETTINGS
@given(explicit_programs("torch"))
def test_torch_programs_agree_with_the_core(tmp_path_factory, generated):
    source, program = generated
    assert analysed(tmp_path_factory, source) == program.expected, source


@SETTINGS
@given(st.sampled_from(["paddle", "equinox", "nnx"]).flatmap(explicit_programs))
def test_paddle_equinox_and_nnx_programs_agree_with_the_core(tmp_path_factory, generated):
    source, program = generated
    assert analysed(tmp_path_factory, source) == program.expected, source


@SETTINGS
@given(keras_programs())
def test_keras_sequential_programs_agree_with_the_core(tmp_path_factory, generated):
    source, program = generated
    assert analysed(tmp_path_factory, source) == program.expected, source


@SETTINGS
@given(st.data())
def test_the_generator_knows_the_values_it_writes(data):
    """The generator's own bookkeeping, checked by running its constants as Python (the test's own
    text, never user code): otherwise a disagreement could be the generator's fault."""
    program = data.draw(constants(Program()))
    namespace: Dict[str, Any] = {}
    exec("\n".join(program.lines), namespace)
    assert {name: namespace[name] for name in program.env} == program.env
