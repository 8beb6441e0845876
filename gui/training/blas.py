"""One BLAS thread in this (the GUI's) process while the training process runs.

After each matrix product OpenBLAS keeps its worker threads spinning for a while, waiting for
the next one. In the GUI the products are small (the canvas values, the decision boundary) and
gain nothing from a second thread, but the spinning worker takes the very core the training
process's own BLAS threads need: measured on 2 cores, 10 % of a core for nothing and a slower
child. threadpoolctl switches the thread count of the BLAS numpy loaded, at run time.
"""

from __future__ import annotations

_controller = None           # threadpoolctl's view of the loaded BLAS (scanned once)
_limiter = None              # the process-wide limit while anyone holds it
_holders = 0                 # engaged SingleBlasThread objects (one per window's training)


class SingleBlasThread:
    """``engage()`` limits BLAS to one thread until ``release()``; both are idempotent. The
    limit is the process's, so several holders (two windows training) share it: the original
    thread count comes back when the last one lets go."""

    def __init__(self) -> None:
        self.engaged = False

    def engage(self) -> None:
        global _controller, _limiter, _holders
        if self.engaged:
            return
        self.engaged = True
        _holders += 1
        if _limiter is None:
            if _controller is None:
                from threadpoolctl import ThreadpoolController
                _controller = ThreadpoolController()
            _limiter = _controller.limit(limits=1, user_api="blas")

    def release(self) -> None:
        global _limiter, _holders
        if not self.engaged:
            return
        self.engaged = False
        _holders -= 1
        if _holders == 0 and _limiter is not None:
            limiter, _limiter = _limiter, None
            limiter.restore_original_limits()
