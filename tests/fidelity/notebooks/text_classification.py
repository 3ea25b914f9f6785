# ruff: noqa
# Text classification: TF-IDF and a linear model in a pipeline, a grid search over n-grams,
# the most informative words.
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

# %%
pos = [
    "great movie, loved it",
    "wonderful acting and story",
    "an excellent film",
    "loved the music",
    "great fun",
]
neg = [
    "terrible plot, hated it",
    "boring and slow",
    "an awful film",
    "hated the ending",
    "bad acting",
]
texts = pos * 3 + neg * 3
y = np.array([1] * 15 + [0] * 15)
pipe = Pipeline([("tfidf", TfidfVectorizer()), ("clf", LogisticRegression())])
# %%
gs = GridSearchCV(pipe, {"tfidf__ngram_range": [(1, 1), (1, 2)], "clf__C": [1.0, 10.0]}, cv=3)
gs.fit(texts, y)
vec = gs.best_estimator_.named_steps["tfidf"]
coefs = gs.best_estimator_.named_steps["clf"].coef_[0]
# %%
words = np.array(vec.get_feature_names_out())
top_pos = list(words[np.argsort(coefs)[-3:]])
pred = gs.predict(["loved this great film", "boring awful"])
