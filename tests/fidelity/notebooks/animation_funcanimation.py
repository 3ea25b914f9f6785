# ruff: noqa
# An animation cell as in the matplotlib gallery: FuncAnimation with init and update
# functions defined in the notebook, the figure closed so only the animation shows.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation

# %%
fig, ax = plt.subplots()
xdata, ydata = [], []
(ln,) = ax.plot([], [], "ro")


def init():
    ax.set_xlim(0, 2 * np.pi)
    ax.set_ylim(-1.1, 1.1)
    return (ln,)


def update(frame):
    xdata.append(frame)
    ydata.append(np.sin(frame))
    ln.set_data(xdata, ydata)
    return (ln,)


plt.close()
ani = animation.FuncAnimation(
    fig, update, frames=np.linspace(0, 2 * np.pi, 32), init_func=init, blit=True
)
# %%
html = ani.to_jshtml(fps=10)
n_frames = len(xdata)
# %%
fig_b = plt.figure()
(line_b,) = plt.plot([])
plt.xlim(0, 1)
ani_b = animation.FuncAnimation(
    fig_b, lambda i: line_b.set_data([0, i / 10], [0, i / 10]), frames=10, interval=20
)
plt.close(fig_b)
