# ruff: noqa
# A torch training loop with an optimizer and a scheduler.
import torch
from torch import nn

# %%
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
data = torch.randn(32, 4)
target = data.sum(dim=1, keepdim=True)
# %%
losses = []
for epoch in range(6):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(data), target)
    loss.backward()
    opt.step()
    sched.step()
    losses.append(loss.item())
final_loss = losses[-1]
