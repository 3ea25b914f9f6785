"""Round trip of 50 kinds of objects through ``%version save`` and ``restore`` in a real kernel.

Each entry: (name, code that creates it, expression that must be True after restore, where
``o`` is a deep copy taken before saving). All are saved in one version, deleted from the
kernel, restored, and checked one by one.
"""

from __future__ import annotations

import json

import pytest

from .conftest import Kernel

KINDS: list[tuple[str, str, str]] = [
    ("an_int", "an_int = 42", "an_int == o and type(an_int) is int"),
    ("a_big_int", "a_big_int = 2**200 + 1", "a_big_int == o"),
    ("a_float", "a_float = 0.1 + 0.2", "a_float == o"),
    ("a_complex", "a_complex = 1 + 2j", "a_complex == o"),
    ("a_bool", "a_bool = True", "a_bool is True"),
    ("a_none", "a_none = None", "a_none is None"),
    ("a_str", "a_str = 'naïve ✓ text'", "a_str == o"),
    ("a_bytes", "a_bytes = bytes(range(256))", "a_bytes == o"),
    (
        "a_bytearray",
        "a_bytearray = bytearray(b'abc')",
        "a_bytearray == o and type(a_bytearray) is bytearray",
    ),
    ("a_list", "a_list = [1, 'two', 3.0, [4]]", "a_list == o"),
    ("a_tuple", "a_tuple = (1, (2, 3), 'x')", "a_tuple == o and type(a_tuple) is tuple"),
    ("a_dict", "a_dict = {'a': 1, 'b': [1, 2], 'c': {'d': None}}", "a_dict == o"),
    ("int_keys", "int_keys = {1: 'a', (2, 3): 'b'}", "int_keys == o"),
    ("a_set", "a_set = {1, 2, 3}", "a_set == o"),
    ("a_frozenset", "a_frozenset = frozenset('abc')", "a_frozenset == o"),
    ("a_range", "a_range = range(2, 20, 3)", "a_range == o"),
    ("a_slice", "a_slice = slice(1, 10, 2)", "a_slice == o"),
    (
        "a_decimal",
        "from decimal import Decimal\na_decimal = Decimal('1.10')",
        "a_decimal == o and str(a_decimal) == '1.10'",
    ),
    (
        "a_fraction",
        "from fractions import Fraction\na_fraction = Fraction(1, 3)",
        "a_fraction == o",
    ),
    (
        "a_datetime",
        "import datetime as dt\na_datetime = dt.datetime(2026, 11, 27, 7, 0, tzinfo=dt.timezone.utc)",
        "a_datetime == o",
    ),
    ("a_date", "a_date = dt.date(2026, 1, 2)", "a_date == o"),
    ("a_timedelta", "a_timedelta = dt.timedelta(days=2, seconds=5)", "a_timedelta == o"),
    ("a_uuid", "import uuid\na_uuid = uuid.UUID(int=12345)", "a_uuid == o"),
    ("a_path", "import pathlib\na_path = pathlib.PurePosixPath('/data/x.csv')", "a_path == o"),
    (
        "a_counter",
        "import collections\na_counter = collections.Counter('abracadabra')",
        "a_counter == o",
    ),
    (
        "an_ordered",
        "an_ordered = collections.OrderedDict([('b', 1), ('a', 2)])",
        "list(an_ordered) == ['b', 'a']",
    ),
    (
        "a_defaultdict",
        "a_defaultdict = collections.defaultdict(list, {'k': [1]})",
        "a_defaultdict == o and a_defaultdict['new'] == []",
    ),
    (
        "a_deque",
        "a_deque = collections.deque([1, 2, 3], maxlen=5)",
        "a_deque == o and a_deque.maxlen == 5",
    ),
    (
        "a_namedtuple",
        "Point = collections.namedtuple('Point', 'x y')\na_namedtuple = Point(1, 2)",
        "a_namedtuple.x == 1 and a_namedtuple.y == 2",
    ),
    (
        "a_dataclass",
        "import dataclasses\n@dataclasses.dataclass\nclass Config:\n    lr: float\n    layers: list\na_dataclass = Config(0.1, [3, 4])",
        "a_dataclass.lr == 0.1 and a_dataclass.layers == [3, 4]",
    ),
    (
        "an_enum",
        "import enum\nclass Color(enum.Enum):\n    RED = 1\n    BLUE = 2\nan_enum = Color.BLUE",
        "an_enum.name == 'BLUE' and an_enum.value == 2",
    ),
    (
        "a_function",
        "def a_function(x, k=2):\n    return x * k",
        "a_function(3) == 6 and a_function(3, k=3) == 9",
    ),
    ("a_lambda", "a_lambda = lambda s: s.upper()", "a_lambda('a') == 'A'"),
    (
        "Counter2",
        "class Counter2:\n    def __init__(self):\n        self.n = 0\n    def inc(self):\n        self.n += 1\n        return self.n",
        "Counter2().inc() == 1",
    ),
    (
        "an_instance",
        "an_instance = Counter2()\nan_instance.inc()",
        "an_instance.n == 1 and an_instance.inc() == 2",
    ),
    (
        "a_partial",
        "import functools\na_partial = functools.partial(int, base=2)",
        "a_partial('101') == 5",
    ),
    (
        "a_regex",
        "import re\na_regex = re.compile(r'(\\d+)-(\\w+)', re.I)",
        "a_regex.match('12-ab').groups() == ('12', 'ab') and a_regex.flags & re.I",
    ),
    (
        "a_recursive",
        "a_recursive = [1]\na_recursive.append(a_recursive)",
        "a_recursive[1] is a_recursive",
    ),
    (
        "an_array",
        "import numpy as np\nan_array = np.random.default_rng(0).normal(size=(50, 4))",
        "np.array_equal(an_array, o) and an_array.dtype == o.dtype",
    ),
    (
        "a_fortran",
        "a_fortran = np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4))",
        "np.array_equal(a_fortran, o) and a_fortran.flags.f_contiguous",
    ),
    (
        "a_structured",
        "a_structured = np.array([(1, 2.0), (3, 4.0)], dtype=[('a', 'i4'), ('b', 'f8')])",
        "np.array_equal(a_structured, o) and a_structured.dtype == o.dtype",
    ),
    (
        "a_np_scalar",
        "a_np_scalar = np.float32(1.5)",
        "a_np_scalar == o and type(a_np_scalar) is np.float32",
    ),
    (
        "a_bool_array",
        "a_bool_array = np.array([True, False, True])",
        "np.array_equal(a_bool_array, o)",
    ),
    (
        "a_datetime_array",
        "a_datetime_array = np.array(['2026-01-01', '2026-06-01'], dtype='datetime64[D]')",
        "np.array_equal(a_datetime_array, o) and a_datetime_array.dtype == o.dtype",
    ),
    (
        "an_object_array",
        "an_object_array = np.array([1, 'a', None], dtype=object)",
        "list(an_object_array) == [1, 'a', None]",
    ),
    (
        "a_dataframe",
        "import pandas as pd\na_dataframe = pd.DataFrame({'f': [1.5, 2.5, None], 'i': pd.array([1, None, 3], dtype='Int64'), 's': ['a', 'b', 'c'], 'c': pd.Categorical(['x', 'y', 'x']), 't': pd.date_range('2026-01-01', periods=3, tz='UTC')})",
        "a_dataframe.equals(o) and list(a_dataframe.dtypes) == list(o.dtypes)",
    ),
    (
        "a_series",
        "a_series = pd.Series([1, 2, 3], index=['a', 'b', 'c'], name='s')",
        "a_series.equals(o) and a_series.name == 's'",
    ),
    (
        "a_multiindex",
        "a_multiindex = pd.DataFrame({'v': range(4)}, index=pd.MultiIndex.from_product([['a', 'b'], [1, 2]], names=['k', 'n']))",
        "a_multiindex.equals(o) and a_multiindex.index.names == ['k', 'n']",
    ),
    (
        "a_sparse",
        "import scipy.sparse as sp\na_sparse = sp.random(20, 20, density=0.1, format='csr', random_state=0)",
        "(a_sparse != o).nnz == 0 and a_sparse.format == 'csr'",
    ),
    (
        "a_model",
        "from sklearn.linear_model import LogisticRegression\nX = np.random.default_rng(1).normal(size=(40, 3)); yy = (X[:, 0] > 0).astype(int)\na_model = LogisticRegression().fit(X, yy)",
        "np.array_equal(a_model.predict(X), o.predict(X)) and np.allclose(a_model.coef_, o.coef_)",
    ),
    (
        "a_pipeline",
        "from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\nfrom sklearn.ensemble import RandomForestClassifier\na_pipeline = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5, random_state=0)).fit(X, yy)",
        "np.array_equal(a_pipeline.predict_proba(X), o.predict_proba(X))",
    ),
]

TORCH_KINDS: list[tuple[str, str, str]] = [
    ("a_tensor", "import torch\na_tensor = torch.arange(6, dtype=torch.float32).reshape(2, 3)", "torch.equal(a_tensor, o)"),
    ("a_module", "torch.manual_seed(0)\na_module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))", "all(torch.equal(a, b) for a, b in zip(a_module.state_dict().values(), o.state_dict().values())) and torch.equal(a_module(torch.ones(2, 3)), o(torch.ones(2, 3)))"),
]  # fmt: skip


def _kinds() -> list[tuple[str, str, str]]:
    try:
        import torch  # noqa: F401
    except ImportError:
        return KINDS
    return KINDS + TORCH_KINDS


def test_at_least_forty_kinds_are_listed() -> None:
    assert len(KINDS) >= 40


@pytest.mark.parametrize("kinds", [_kinds()], ids=["all-kinds"])
def test_every_kind_round_trips(nbk: Kernel, kinds: list[tuple[str, str, str]]) -> None:
    for _, code, _ in kinds:
        nbk.check(code)
    names = [n for n, _, _ in kinds]
    nbk.check(
        f"import copy as _copy\n_orig = {{n: _copy.deepcopy(globals()[n]) for n in {names!r}}}"
    )
    out = nbk.check("%version save -m 'all kinds'").data[0]["text/plain"]
    assert "not saved" not in out, out
    nbk.check(f"for _n in {names!r}:\n    del globals()[_n]")
    nbk.check("%version restore HEAD")
    failures = []
    for name, _, check in kinds:
        res = nbk.run(f"o = _orig[{name!r}]\nprint(bool({check}))\ndel o")
        if res.status != "ok" or res.stdout.strip() != "True":
            failures.append((name, res.stdout.strip(), res.error[-300:]))
    assert not failures, json.dumps(failures, indent=1)
