"""plancoder: a Planner and a Coder on DSPy 3 that improve themselves safely.

Importing the package is cheap and side-effect free for the network and the home directory:
`_startup` only sets environment defaults that DSPy and LiteLLM read when they are imported later.
"""

from plancoder import _startup

_startup.apply()

__version__ = "0.1.0"
