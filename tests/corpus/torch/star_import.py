"""A star import, as older scripts do."""

from torch.nn import *  # noqa: F403

EMBED = 300
lstm = LSTM(EMBED, 150, bidirectional=True)  # noqa: F405
head = Linear(300, 2)  # noqa: F405
