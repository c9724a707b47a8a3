"""One source, several targets: compile a plain Python function and everything it calls.

The model's step (model/step.py) and the mechanisms it calls are plain Python
functions that name each other as globals. :func:`retarget` makes a copy of a
function whose globals point at compiled copies of the securebase functions it
calls, recursively, and compiles it with the target's decorator: ``numba.njit``
for the CPU, ``numba.cuda.jit(device=True)`` for a GPU. The source is never
copied or rewritten, so there is one definition of each formula; left
uncompiled, the same functions are the readable path.
"""

from __future__ import annotations

import dis
import types
from collections.abc import Callable

from numba.core.caching import FunctionCache

from securebase._version import kernel_source_hash


def _called_globals(code: types.CodeType) -> set[str]:
    names = {instruction.argval for instruction in dis.get_instructions(code) if instruction.opname == "LOAD_GLOBAL"}
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _called_globals(constant)
    return names


def is_model_function(value: object) -> bool:
    """A plain Python function of securebase (not a compiled dispatcher, not a library's)."""
    return isinstance(value, types.FunctionType) and value.__module__.startswith("securebase.")


def retarget(function: Callable, compile_root: Callable, compile_callee: Callable, done: dict | None = None) -> Callable:
    """``function`` compiled by ``compile_root``, the securebase functions it calls by ``compile_callee``."""
    done = {} if done is None else done
    namespace = dict(function.__globals__)
    for name in _called_globals(function.__code__):
        value = namespace.get(name)
        if is_model_function(value):
            if value not in done:
                done[value] = retarget(value, compile_callee, compile_callee, done)
            namespace[name] = done[value]
    clone = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    clone.__qualname__ = function.__qualname__
    clone.__module__ = function.__module__
    clone.__doc__ = function.__doc__
    return compile_root(clone)


class _ModelCache(FunctionCache):
    """numba's on-disk cache, keyed on the sources of every function a kernel calls, not its own file alone."""

    def _index_key(self, sig, codegen):
        return (*super()._index_key(sig, codegen), kernel_source_hash())


def cached(dispatcher: Callable) -> Callable:
    """Cache a compiled kernel on disk (as ``cache=True`` does), invalidated by any change of what kernels are
    made from (``_version.KERNEL_SOURCES``), and by nothing else."""
    dispatcher._cache = _ModelCache(dispatcher.py_func)
    return dispatcher
