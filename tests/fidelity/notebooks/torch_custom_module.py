# ruff: noqa
# A model class defined in the notebook, AdamW with weight decay, ReduceLROnPlateau, early
# stopping, and a closure used as the loss.
import numpy as np
import torch
from torch import nn


# %%
class MLP(nn.Module):
    def __init__(self, d_in, hidden=16, dropout=0.1):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d_in, hidden), nn.GELU(), nn.Dropout(dropout))
        self.head = nn.Linear(hidden, 1)
        self.register_buffer("calls", torch.zeros(()))

    def forward(self, x):
        self.calls += 1
        return self.head(self.body(x)).squeeze(-1)


def make_loss(weight):
    def loss_fn(pred, target):
        return weight * torch.mean((pred - target) ** 2)

    return loss_fn


g = torch.Generator().manual_seed(1)
X = torch.randn(100, 5, generator=g)
y = X @ torch.tensor([1.0, -2.0, 0.5, 0.0, 3.0]) + 0.1 * torch.randn(100, generator=g)
model = MLP(5)
opt = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=1e-2)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5)
criterion = make_loss(1.0)
# %%
torch.manual_seed(0)
train_losses, patience, bad = [], 4, 0
for epoch in range(15):
    model.train()
    opt.zero_grad()
    loss = criterion(model(X), y)
    loss.backward()
    opt.step()
    plateau.step(loss.item())
    train_losses.append(loss.item())
    if len(train_losses) > 1 and train_losses[-1] > min(train_losses[:-1]):
        bad += 1
        if bad >= patience:
            break
losses_np = np.array(train_losses)
