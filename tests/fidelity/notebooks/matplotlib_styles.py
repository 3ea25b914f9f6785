# ruff: noqa
# Plot customisation: rcParams, a style context, colormaps and norms, images with imshow,
# twin axes, annotations, and a figure saved to a PNG buffer.
import io

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cm, colors

# %%
mpl.rcParams["lines.linewidth"] = 2
field = np.outer(np.sin(np.linspace(0, 3, 30)), np.cos(np.linspace(0, 3, 40)))
norm = colors.Normalize(vmin=-1, vmax=1)
cmap = plt.get_cmap("magma")
with plt.style.context("ggplot"):
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 3))
    im = ax1.imshow(field, cmap=cmap, norm=norm)
    fig.colorbar(im, ax=ax1)
    ax2.plot(field[0], color="k")
    twin = ax2.twinx()
    twin.bar(range(5), [3, 1, 2, 5, 4], alpha=0.3)
    ax2.annotate("peak", xy=(10, field[0, 10]), xytext=(20, 0.5), arrowprops=dict(arrowstyle="->"))
# %%
png = io.BytesIO()
fig.savefig(png, format="png", dpi=50)
png_bytes = png.getvalue()[:8]
rgba = cmap(norm(0.3))
