"""Realistic model files for the benchmarks: PyTorch modules and Keras builders, of a given length.

Each block is what people write: module-level size constants, an `nn.Module` with embeddings, LSTM/GRU
stacks (bidirectional, `proj_size`, cells), linear heads and dropout, a `forward` with ordinary code;
Keras functional builders (`keras.Input` → `Embedding` → `Bidirectional(LSTM)` → … → `keras.Model`) and
`Sequential` stacks; training helpers with no layers at all; comments and docstrings. About one layer
constructor per 5–10 lines. Deterministic for a given (lines, seed).

    python bench/generate.py 10000 out.py [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path
from typing import List

HEADER = '''"""Sequence models for tagging, classification and speech ({lines} lines, seed {seed}).

Generated for the RNN Lens benchmarks: a mix of PyTorch modules and Keras builders.
"""

from __future__ import annotations

import math
from typing import Optional, Tuple

import keras
import torch
import torch.nn as nn
import torch.nn.functional as F
from keras import layers

DEFAULT_DROPOUT = 0.1
PAD_INDEX = 0
'''

HIDDEN = [64, 96, 128, 192, 256, 320, 384, 512]
EMBED = [32, 50, 64, 100, 128, 200, 256, 300]
VOCAB = [5_000, 8_000, 10_000, 20_000, 32_000, 50_000]
TAGS = [9, 17, 24, 45, 50]
FEATURES = [13, 40, 64, 80, 128]


def _torch_tagger(i: int, r: random.Random) -> str:
    hidden, embed, vocab, tags = r.choice(HIDDEN), r.choice(EMBED), r.choice(VOCAB), r.choice(TAGS)
    layers_ = r.choice([1, 2, 3])
    return f'''

# --- block {i}: a bidirectional tagger -------------------------------------------------------
VOCAB_{i} = {vocab:_}
EMBED_{i} = {embed}
HIDDEN_{i} = {hidden}
TAGS_{i} = {tags}


class Tagger{i}(nn.Module):
    """Embeds tokens, reads them with a {layers_}-layer bidirectional LSTM, and tags each position."""

    def __init__(self, dropout: float = DEFAULT_DROPOUT):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB_{i}, EMBED_{i}, padding_idx=PAD_INDEX)
        self.dropout = nn.Dropout(dropout)
        self.encoder = nn.LSTM(EMBED_{i}, HIDDEN_{i}, num_layers={layers_}, bidirectional=True, batch_first=True)
        self.norm = nn.LayerNorm(2 * HIDDEN_{i})
        self.classify = nn.Linear(2 * HIDDEN_{i}, TAGS_{i})

    def forward(self, tokens: torch.Tensor, lengths: Optional[torch.Tensor] = None) -> torch.Tensor:
        # Padding positions are masked out of the loss by the caller.
        mask = tokens.ne(PAD_INDEX)
        x = self.dropout(self.embedding(tokens))
        states, _ = self.encoder(x)
        states = self.norm(states)
        logits = self.classify(self.dropout(states))
        return logits.masked_fill(~mask.unsqueeze(-1), 0.0)
'''


def _torch_seq2seq(i: int, r: random.Random) -> str:
    hidden, embed, vocab = r.choice(HIDDEN), r.choice(EMBED), r.choice(VOCAB)
    return f'''

# --- block {i}: an encoder-decoder with GRUs ----------------------------------------------------
SOURCE_VOCAB_{i} = {vocab:_}
TARGET_VOCAB_{i} = {r.choice(VOCAB):_}
WIDTH_{i} = {hidden}


class Encoder{i}(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(SOURCE_VOCAB_{i}, {embed})
        self.rnn = nn.GRU({embed}, WIDTH_{i}, num_layers=2, dropout=0.2, bidirectional=True)
        self.bridge = nn.Linear(2 * WIDTH_{i}, WIDTH_{i})

    def forward(self, source):
        outputs, state = self.rnn(self.embed(source))
        state = torch.tanh(self.bridge(torch.cat([state[-2], state[-1]], dim=-1)))
        return outputs, state.unsqueeze(0)


class Decoder{i}(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(TARGET_VOCAB_{i}, {embed})
        self.cell = nn.GRUCell({embed} + 2 * WIDTH_{i}, WIDTH_{i})
        self.attention = nn.Linear(3 * WIDTH_{i}, 1)
        self.out = nn.Linear(WIDTH_{i}, TARGET_VOCAB_{i})

    def step(self, token, state, memory):
        scores = self.attention(torch.cat([memory, state.expand_as(memory[..., :WIDTH_{i}])], dim=-1))
        weights = F.softmax(scores, dim=0)
        context = (weights * memory).sum(dim=0)
        state = self.cell(torch.cat([self.embed(token), context], dim=-1), state)
        return self.out(state), state
'''


def _torch_speech(i: int, r: random.Random) -> str:
    hidden = r.choice([512, 768, 1024, 1280])
    proj = r.choice([128, 256, 320])
    features = r.choice(FEATURES)
    return f'''

# --- block {i}: a projected LSTM acoustic model -----------------------------------------------
FEATURES_{i} = {features}


class AcousticModel{i}(nn.Module):
    """Stacked LSTM with projections (proj_size), as in streaming speech recognisers."""

    def __init__(self, classes: int = 29):
        super().__init__()
        self.frontend = nn.Conv1d(FEATURES_{i}, FEATURES_{i}, kernel_size=3, padding=1)
        self.rnn = nn.LSTM(FEATURES_{i}, {hidden}, num_layers={r.choice([2, 3, 4, 5])}, proj_size={proj}, batch_first=True)
        self.head = nn.Linear({proj}, classes)

    def forward(self, frames):
        frames = self.frontend(frames.transpose(1, 2)).transpose(1, 2)
        states, _ = self.rnn(frames)
        return F.log_softmax(self.head(states), dim=-1)


class StreamingCell{i}(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(FEATURES_{i}, {hidden // 2})
        self.skip = nn.RNN({hidden // 2}, {hidden // 4}, nonlinearity="relu")

    def forward(self, frame, state: Tuple[torch.Tensor, torch.Tensor]):
        hidden, cell = self.cell(frame, state)
        return hidden, (hidden, cell)
'''


def _keras_functional(i: int, r: random.Random) -> str:
    units = r.choice([32, 64, 128, 256])
    return f'''

# --- block {i}: a Keras functional classifier ------------------------------------------------
MAX_TOKENS_{i} = {r.choice(VOCAB):_}
EMBED_DIM_{i} = {r.choice(EMBED)}


def build_classifier_{i}(num_classes={r.choice([2, 3, 5, 10])}):
    """A bidirectional recurrent sentence classifier."""
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(MAX_TOKENS_{i}, EMBED_DIM_{i}, mask_zero=True)(inputs)
    x = layers.SpatialDropout1D(0.2)(x)
    x = layers.Bidirectional(layers.LSTM({units}, return_sequences=True))(x)
    x = layers.Bidirectional(layers.GRU({units // 2}))(x)
    x = layers.Dense({units}, activation="relu")(x)
    x = layers.Dropout(0.3)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="classifier_{i}")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''


def _keras_sequential(i: int, r: random.Random) -> str:
    units = r.choice([16, 32, 48, 64, 128])
    return f'''

# --- block {i}: a Keras Sequential forecaster ------------------------------------------------
SERIES_FEATURES_{i} = {r.choice([1, 4, 7, 12, 24])}
UNITS_{i} = {units}


def build_forecaster_{i}(horizon: int = 24):
    model = keras.Sequential([
        keras.Input(shape=(None, SERIES_FEATURES_{i})),
        layers.GRU(UNITS_{i}, return_sequences=True),
        layers.LSTM(UNITS_{i} // 2, return_sequences=True),
        layers.SimpleRNN(UNITS_{i} // 4),
        layers.Dense(horizon),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model
'''


def _helpers(i: int, r: random.Random) -> str:
    return f'''

def train_epoch_{i}(model, batches, optimizer, clip: float = {r.choice([0.5, 1.0, 5.0])}) -> float:
    """One pass over `batches`; returns the mean loss."""
    model.train()
    total, count = 0.0, 0
    for tokens, targets in batches:
        optimizer.zero_grad()
        logits = model(tokens)
        loss = F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=PAD_INDEX)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        total += loss.item() * tokens.size(0)
        count += tokens.size(0)
    return total / max(count, 1)


def perplexity_{i}(loss: float) -> float:
    return math.exp(min(loss, 50.0))
'''


BLOCKS = [(_torch_tagger, 3), (_torch_seq2seq, 2), (_torch_speech, 2), (_keras_functional, 3),
          (_keras_sequential, 2), (_helpers, 1)]


def generate(lines: int, seed: int = 0) -> str:
    """A model file of exactly `lines` lines."""
    r = random.Random(seed * 1_000_003 + lines)
    makers = [maker for maker, weight in BLOCKS for _ in range(weight)]
    parts: List[str] = [HEADER.format(lines=f"{lines:,}", seed=seed)]
    count = parts[0].count("\n")
    i = 0
    while True:
        block = r.choice(makers)(i, r)
        n = block.count("\n")
        if count + n > lines:
            break
        parts.append(block)
        count += n
        i += 1
    parts.append("# padding\n" * (lines - count))
    text = "".join(parts)
    assert text.count("\n") == lines, (text.count("\n"), lines)
    return text


_EDITABLE = re.compile(r"nn\.(?:LSTM|GRU)\((?:\w+|\d+), (\d+)")


def edit_site(text: str, near_line: int):
    """(line, character, digit) of the last digit of a literal hidden size in an LSTM/GRU constructor at or
    after `near_line` (0-based) — the one-character edit of the benchmarks."""
    lines = text.split("\n")
    for number in list(range(near_line, len(lines))) + list(range(near_line - 1, -1, -1)):
        match = _EDITABLE.search(lines[number])
        if match:
            column = match.end(1) - 1
            return number, column, lines[number][column]
    raise ValueError("no editable constructor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("lines", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    arguments.output.write_text(generate(arguments.lines, arguments.seed), encoding="utf-8")


if __name__ == "__main__":
    main()
