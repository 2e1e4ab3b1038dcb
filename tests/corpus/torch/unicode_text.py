"""Non-ASCII text before a constructor on the same line: columns count code points."""

import torch.nn as nn

größe = 32
ä = nn.LSTM(größe, 8)
names = {"模型": 1}; 编码器 = nn.GRU(größe, 16)
note = "🎉🎉"; rnn = nn.RNN(4, 4)  # ✓ 很好
