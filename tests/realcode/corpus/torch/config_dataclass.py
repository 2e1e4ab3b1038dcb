"""A configuration dataclass, as in Hugging Face-style and lightning repositories: the model
receives the config; the file creates configs from literals and builds layers and models from them."""

from dataclasses import dataclass

import torch.nn as nn


@dataclass
class ModelConfig:
    vocab_size: int = 30000
    embed_dim: int = 128
    hidden_size: int = 256
    num_layers: int = 2
    bidirectional: bool = False
    dropout: float = 0.1


class LanguageModel(nn.Module):
    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed_dim)
        self.rnn = nn.LSTM(config.embed_dim, config.hidden_size, config.num_layers,
                           dropout=config.dropout, batch_first=True)
        self.head = nn.Linear(config.hidden_size, config.vocab_size)


config = ModelConfig(hidden_size=512, num_layers=1)
probe = nn.GRU(config.embed_dim, config.hidden_size, config.num_layers, batch_first=True)
model = LanguageModel(config)
baseline = LanguageModel(ModelConfig())
tiny = LanguageModel(ModelConfig(vocab_size=1000, embed_dim=32, hidden_size=64, num_layers=1))
