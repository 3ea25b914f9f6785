# ruff: noqa
# Parsing a web server log with regular expressions into a DataFrame, then counting.
import re
from collections import Counter
from datetime import datetime

import pandas as pd

# %%
log = """127.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326
10.0.0.2 - - [10/Oct/2023:13:56:01 +0000] "POST /api/login HTTP/1.1" 401 128
10.0.0.2 - - [10/Oct/2023:13:57:12 +0000] "GET /api/data?id=7 HTTP/1.1" 200 5120
192.168.1.9 - - [10/Oct/2023:14:02:44 +0000] "GET /missing HTTP/1.1" 404 -"""
LINE = re.compile(
    r'(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] "(?P<method>\w+) (?P<path>\S+) [^"]+" (?P<status>\d{3}) (?P<size>\d+|-)'
)
matches = [m.groupdict() for m in LINE.finditer(log)]
# %%
hits = pd.DataFrame(matches)
hits["ts"] = pd.to_datetime(hits["ts"], format="%d/%b/%Y:%H:%M:%S %z")
hits["size"] = pd.to_numeric(hits["size"].replace("-", None))
hits["status"] = hits["status"].astype(int)
first_seen = datetime.strptime("10/Oct/2023:13:55:36", "%d/%b/%Y:%H:%M:%S")
# %%
status_counts = Counter(hits["status"])
errors = hits[hits.status >= 400]
ips = sorted(set(re.findall(r"^\S+", log, flags=re.M)))
query = re.search(r"\?(\w+)=(\d+)", log).groups()
