"""One BLAS thread in this (the GUI's) process while the training process runs.

After each matrix product OpenBLAS keeps its worker threads spinning for a while, waiting for
the next one. In the GUI the products are small (the canvas values, the decision boundary) and
gain nothing from a second thread, but the spinning worker takes the very core the training
process's own BLAS threads need: measured on 2 cores, 10 % of a core for nothing and a slower
child. threadpoolctl switches the thread count of the BLAS numpy loaded, at run time.
"""

from __future__ import annotations


class SingleBlasThread:
    """``engage()`` limits BLAS to one thread until ``release()``; both are idempotent."""

    def __init__(self) -> None:
        self._controller = None
        self._limiter = None

    @property
    def engaged(self) -> bool:
        return self._limiter is not None

    def engage(self) -> None:
        if self._limiter is not None:
            return
        if self._controller is None:
            from threadpoolctl import ThreadpoolController   # scans loaded libraries: once
            self._controller = ThreadpoolController()
        self._limiter = self._controller.limit(limits=1, user_api="blas")

    def release(self) -> None:
        limiter, self._limiter = self._limiter, None
        if limiter is not None:
            limiter.restore_original_limits()
