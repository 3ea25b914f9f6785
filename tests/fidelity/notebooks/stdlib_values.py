# ruff: noqa
# Standard-library values notebooks keep around: datetime with zones, Decimal, Fraction,
# uuid, pathlib paths, io buffers, a tempfile handle (not saveable), a lock (not saveable).
import datetime
import io
import threading
import uuid
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

# %%
getcontext().prec = 10
price = Decimal("19.99") * 3
ratio = Fraction(3, 7) + Fraction(1, 7)
run_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
now = datetime.datetime(2024, 3, 10, 12, 0, tzinfo=ZoneInfo("America/New_York"))
today = datetime.date(2024, 3, 10)
path = Path("data") / "iris.csv"
pure = PurePosixPath("/tmp/x.txt")
# %%
buf = io.StringIO()
buf.write("hello\n")
raw = io.BytesIO(b"\x00\x01")
fh = open(path)
lock = threading.Lock()
complex_num = 3 + 4j
big = 2**100
frozen = frozenset({1, 2, 3})
byte_arr = bytearray(b"abc")
