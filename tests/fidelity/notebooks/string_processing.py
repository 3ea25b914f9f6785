# ruff: noqa
# Cleaning text columns: pandas string methods, regular expressions, splitting names.
import re
import string

import pandas as pd

# %%
raw = pd.Series(
    ["  Dr. Ada Lovelace ", "mr. alan TURING", "Grace  Hopper, PhD", None, "ms. Katherine Johnson"]
)
clean = raw.str.strip().str.replace(r"\s+", " ", regex=True).str.title()
titles = clean.str.extract(r"^(?P<title>Dr|Mr|Ms)\.?\s", flags=re.IGNORECASE)
parts = clean.str.split(" ", n=1, expand=True)
# %%
text = "The quick brown fox jumps over the lazy dog. The dog sleeps!"
table = str.maketrans("", "", string.punctuation)
words = text.lower().translate(table).split()
vowels = {w: sum(ch in "aeiou" for ch in w) for w in set(words)}
pattern = re.compile(r"\b(\w)(\w*)\b")
capitalized = pattern.sub(lambda m: m.group(1).upper() + m.group(2), text)
# %%
emails = pd.Series(["a.b@example.com", "bad-email", "x_y@test.org"], dtype="string")
valid = emails.str.fullmatch(r"[\w.]+@[\w]+\.\w+")
domains = emails.str.extract(r"@(.+)$", expand=False)
fmt = "{name:>10}|{score:6.2f}".format(name="ada", score=3.14159)
