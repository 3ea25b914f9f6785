# ruff: noqa
# Unsupervised learning: scale, PCA to two components, KMeans with an elbow loop, a
# scatter plot of the clusters.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

# %%
X, labels_true = make_blobs(n_samples=300, centers=4, n_features=5, random_state=0)
X_scaled = StandardScaler().fit_transform(X)
pca = PCA(n_components=2).fit(X_scaled)
X2 = pca.transform(X_scaled)
explained = pca.explained_variance_ratio_
# %%
inertias = {}
for k in range(2, 6):
    inertias[k] = KMeans(n_clusters=k, n_init=3, random_state=0).fit(X_scaled).inertia_
km = KMeans(n_clusters=4, n_init=3, random_state=0).fit(X_scaled)
# %%
fig, ax = plt.subplots()
sc = ax.scatter(X2[:, 0], X2[:, 1], c=km.labels_, cmap="viridis", s=10)
ax.set_title("KMeans on PCA")
cbar = fig.colorbar(sc, ax=ax)
