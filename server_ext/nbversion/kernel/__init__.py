"""Kernel side: the ``%version`` magic and capture/restore of the kernel's variables."""
