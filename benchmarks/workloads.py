"""The benchmark notebooks: each workload is a list of cells run one after another.

W1 is an ML notebook over one wide DataFrame (≈1.5 GB in full mode, ≈150 MB in quick
mode): feature engineering that touches a few columns, read-only cells, a model fit and
metrics. W2 holds many small objects (10,000 dicts and lists) and a few arrays. W3 trains
a small MLP on CPU, one epoch per cell. Seeds are local generators, so every tool sees
exactly the same state.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Workload:
    """Cells to run, and the variables whose content a restore must bring back."""

    name: str
    title: str
    cells: list[str]
    check: list[str]


def w1(quick: bool) -> Workload:
    rows = 1_100_000 if quick else 11_000_000  # 17 float64 columns: ~150 MB / ~1.5 GB
    setup = (
        "import numpy as np\nimport pandas as pd\n"
        "rng = np.random.default_rng(0)\n"
        f"df = pd.DataFrame({{f'f{{i}}': rng.standard_normal({rows}) for i in range(16)}})\n"
        "df['y'] = 2 * df['f0'] - df['f3'] + rng.standard_normal(len(df))\n"
        "features = [f'f{i}' for i in range(16)]"
    )
    cells = [
        setup,
        "df.head()",
        "df.describe()",
        "df['f0_sq'] = df['f0'] ** 2\nfeatures.append('f0_sq')",
        "df['f1'] = df['f1'].clip(-2, 2)",
        "df.shape, df['f2'].mean()",
        "from sklearn.linear_model import Ridge\n"
        "model = Ridge(alpha=1.0).fit(df[features], df['y'])",
        "pred = model.predict(df[features])",
        "mse = float(((pred - df['y']) ** 2).mean())\n"
        "r2 = float(model.score(df[features], df['y']))",
        "df.describe()",
        "df['f5'] = df['f5'] * 0.5",
    ]
    return Workload("W1", f"ML notebook, DataFrame {rows:,} x 17", cells, ["df", "features"])


def w2(quick: bool) -> Workload:
    n = 10_000
    arr = 250_000 if quick else 2_500_000
    setup = (
        "import numpy as np\n"
        "items = [{'id': i, 'name': f'item{i}', 'tags': [i % 7, i % 11]}"
        f" for i in range({n})]\n"
        f"pairs = [[i, i * 2] for i in range({n})]\n"
        "rng = np.random.default_rng(1)\n"
        f"a1 = rng.random({arr})\na2 = rng.random({arr})\n"
        "a3 = np.arange(1000)"
    )
    cells = [
        setup,
        "lookup = {d['id']: d for d in items}",
        "items[5]['tags'].append(99)",
        "total = sum(len(d['tags']) for d in items)",
        "a1[:10] = 0.0",
        "len(items), a2.mean()",
        "pairs.append([-1, -2])",
        "settings = {f'opt{i}': i for i in range(50)}",
        "lookup[7]['name'] = 'renamed'",
        "s = a2.sum()",
        "del pairs",
    ]
    return Workload("W2", f"{n:,} small dicts/lists + arrays", cells, ["items", "a1", "lookup"])


def w3(quick: bool) -> Workload:
    n = 20_000 if quick else 100_000
    setup = (
        "import torch\nfrom torch import nn\n"
        "gen = torch.Generator().manual_seed(0)\n"
        f"X = torch.randn({n}, 64, generator=gen)\n"
        "Y = (X[:, :8].sum(1, keepdim=True) > 0).float()\n"
        "net = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),"
        " nn.Linear(256, 1))\n"
        "opt = torch.optim.SGD(net.parameters(), lr=0.05)\n"
        "losses = []"
    )
    epoch = (
        "for i in range(0, len(X), 1000):\n"
        "    xb, yb = X[i:i + 1000], Y[i:i + 1000]\n"
        "    opt.zero_grad()\n"
        "    loss = nn.functional.binary_cross_entropy_with_logits(net(xb), yb)\n"
        "    loss.backward()\n"
        "    opt.step()\n"
        "losses.append(float(loss))"
    )
    return Workload("W3", f"PyTorch MLP training, {n:,} samples", [setup] + [epoch] * 10,
                    ["net", "losses"])  # fmt: skip


def many_setup(n: int) -> str:
    """A cell making ``n`` small top-level variables (half dicts, half lists) and 3 arrays."""
    half = n // 2
    return (
        "import numpy as np\n"
        f"for i in range({half}):\n"
        "    globals()[f'd{i}'] = {'id': i, 'name': f'item{i}', 'tags': [i % 7, i % 11]}\n"
        f"for i in range({half}):\n"
        "    globals()[f'l{i}'] = [i, i * 2, f'x{i}']\n"
        "rng = np.random.default_rng(2)\n"
        "a1 = rng.random(100_000)\na2 = rng.random(100_000)\na3 = np.arange(1000)"
    )


def w4(quick: bool, n: int = 10_000) -> Workload:
    """Many small *top-level* variables, made through ``globals()`` (every cell a full pass)."""
    cells = [
        many_setup(n),
        "d5['tags'].append(99)",
        "for i in range(0, 100):\n    globals()[f'l{i}'] = [i, -i]",
        "total = sum(len(globals()[f'd{i}']['tags']) for i in range(100))",
        "a1[:10] = 0.0",
        "extra = {f'opt{i}': i for i in range(50)}",
        "for i in range(100, 200):\n    globals()[f'd{i}']['name'] = 'renamed'",
        "s = a2.sum()",
        "del extra",
        "l7.append(1)",
        "d9['id'] = -9",
    ]
    return Workload("W4", f"{n:,} small top-level variables via globals()", cells,
                    ["d5", "l7", "d9", "a1"])  # fmt: skip


def all_workloads(quick: bool) -> list[Workload]:
    return [w1(quick), w2(quick), w3(quick), w4(quick)]
