# ruff: noqa
# Reading a JSON config and records, as an ETL notebook does: nested dicts, json_normalize,
# paths, and values JSON cannot hold (NaN, infinity, tuples).
import json
from pathlib import Path

import pandas as pd

# %%
config_text = '{"model": {"name": "rf", "params": {"n_estimators": 100, "max_depth": null}}, "seeds": [1, 2, 3], "threshold": NaN}'
config = json.loads(config_text)
records = json.loads(
    '[{"id": 1, "user": {"name": "ada", "langs": ["py", "c"]}}, {"id": 2, "user": {"name": "alan", "langs": []}}]'
)
flat = pd.json_normalize(records)
# %%
out_dir = Path("outputs")
report = {
    "best": ("rf", 0.93),
    "worst": float("-inf"),
    "config": config,
    "path": str(out_dir / "report.json"),
}
dumped = json.dumps(report, indent=2, default=str)
roundtrip = json.loads(dumped)
keys = sorted(roundtrip)
