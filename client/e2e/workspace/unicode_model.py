"""Non-ASCII text before a constructor, on its line: the hint must land right after the call."""

import torch.nn as nn


class Größe(nn.Module):
    def __init__(self):
        super().__init__()
        self.légende = "żółć, Ωμέγα 🙂"; self.rnn = nn.GRU(8, 16)
