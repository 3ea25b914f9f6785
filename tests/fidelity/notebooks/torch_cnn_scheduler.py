# ruff: noqa
# A small CNN trained as in a deep-learning course: TensorDataset and DataLoader, SGD with
# momentum, a OneCycle schedule, a history of losses, the best weights kept.
import copy

import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

# %%
torch.manual_seed(0)
images = torch.randn(64, 1, 8, 8)
labels = (images.mean(dim=(1, 2, 3)) > 0).long()
ds = TensorDataset(images, labels)
loader = DataLoader(ds, batch_size=16, shuffle=False)
net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 2))
optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=3 * len(loader))
# %%
history = {"loss": [], "lr": []}
best_loss, best_state = float("inf"), None
for epoch in range(3):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(net(xb), yb)
        loss.backward()
        optimizer.step()
        scheduler.step()
        history["loss"].append(loss.item())
        history["lr"].append(scheduler.get_last_lr()[0])
    if loss.item() < best_loss:
        best_loss, best_state = loss.item(), copy.deepcopy(net.state_dict())
# %%
net.eval()
with torch.no_grad():
    preds = net(images).argmax(dim=1)
accuracy = (preds == labels).float().mean().item()
