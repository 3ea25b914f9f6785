# ruff: noqa
# The classic classifier notebook: split, fit a random forest, report, confusion matrix.
import numpy as np
import pandas as pd
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, classification_report, confusion_matrix
from sklearn.model_selection import train_test_split

# %%
iris = load_iris(as_frame=True)
X, y = iris.data, iris.target
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=42
)
# %%
clf = RandomForestClassifier(n_estimators=25, max_depth=4, random_state=0)
clf.fit(X_train, y_train)
y_pred = clf.predict(X_test)
acc = accuracy_score(y_test, y_pred)
report = classification_report(y_test, y_pred, output_dict=True)
cm = confusion_matrix(y_test, y_pred)
# %%
importances = pd.Series(clf.feature_importances_, index=X.columns).sort_values(ascending=False)
proba = clf.predict_proba(X_test)[:5]
