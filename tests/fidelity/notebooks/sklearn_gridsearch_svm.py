# ruff: noqa
# Hyperparameter search on an SVM, cv_results_ as a DataFrame, the best estimator kept.
import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

# %%
X, y = make_classification(n_samples=150, n_features=6, n_informative=3, random_state=1)
cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
param_grid = {"svc__C": [0.1, 1, 10], "svc__gamma": ["scale", 0.1]}
# %%
search = GridSearchCV(make_pipeline(StandardScaler(), SVC()), param_grid, cv=cv, n_jobs=1)
search.fit(X, y)
results = pd.DataFrame(search.cv_results_)
best_params = search.best_params_
best_score = search.best_score_
# %%
best_model = search.best_estimator_
top = results.sort_values("rank_test_score")[["params", "mean_test_score"]].head(3)
