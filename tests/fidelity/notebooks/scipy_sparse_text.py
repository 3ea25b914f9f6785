# ruff: noqa
# Bag-of-words with scipy.sparse: vectorizers, CSR/COO/LIL/DOK matrices, sparse algebra.
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import norm as spnorm
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

# %%
docs = ["the cat sat on the mat", "the dog ate my homework", "cats and dogs", "a mat for the cat"]
cv = CountVectorizer()
counts = cv.fit_transform(docs)
vocab = cv.vocabulary_
tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=1).fit(docs)
T = tfidf.transform(docs)
# %%
coo = sp.coo_matrix(
    (np.array([1.0, 2.0, np.nan]), (np.array([0, 1, 2]), np.array([2, 0, 1]))), shape=(3, 3)
)
lil = sp.lil_matrix((4, 4))
lil[0, 1] = 3.0
lil[2, 3] = -1.0
dok = sp.dok_matrix((3, 3), dtype=np.int64)
dok[1, 1] = 7
eye = sp.identity(5, format="csc")
sim = (T @ T.T).toarray()
norms = spnorm(T, axis=1)
# %%
arr = sp.csr_array(counts)
stacked = sp.vstack([counts, counts[:1]]).tocsr()
nnz = stacked.nnz
