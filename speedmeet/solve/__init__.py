"""The solver: rounds of tables where people meet as many others from other organisations as
possible. The only package that imports ortools.

`solve(instance)` returns the best schedule it finds (see `engine.py` for the phases and what
determinism it guarantees); `bound_for(instance)` the tightened upper bound and its reasons.
"""

from speedmeet.solve.bounds import bound_for
from speedmeet.solve.engine import solve

__all__ = ["bound_for", "solve"]
