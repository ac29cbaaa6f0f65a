"""Loaded local models, kept within a resident-memory budget (least recently used go first).

The pool knows nothing about DSPy or LiteLLM: it hands out one loaded model at a time under that
model's lock, because a llama.cpp context must not be used by two threads at once.
"""

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from plancoder.errors import ModelFileError

MB = 1024 * 1024


@dataclass
class Loaded:
    """A model in memory, with the lock that serializes its use."""

    name: str
    engine: Any
    resident_mb: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False

    def close(self) -> None:
        closer = getattr(self.engine, "close", None)
        if callable(closer):
            closer()
        self.engine = None
        self.closed = True


Loader = Callable[[str], tuple[Any, int]]
"""Loads a model by name and returns (engine, resident MB)."""


class ModelPool:
    """Loads models on first use and evicts the least recently used past ``budget_mb``."""

    def __init__(self, loader: Loader, estimate_mb: Callable[[str], int], budget_mb: int) -> None:
        self._loader = loader
        self._estimate_mb = estimate_mb
        self.budget_mb = budget_mb
        self._models: OrderedDict[str, Loaded] = OrderedDict()
        self._lock = threading.Lock()
        self.events: list[str] = []

    @contextlib.contextmanager
    def use(self, name: str) -> Iterator[Any]:
        """Yield the loaded engine for ``name``, holding its lock for the duration."""
        while True:
            loaded = self._get(name)
            with loaded.lock:
                if not loaded.closed:
                    yield loaded.engine
                    return

    def resident(self) -> dict[str, int]:
        """Loaded model names and their resident MB, least recently used first."""
        with self._lock:
            return {name: loaded.resident_mb for name, loaded in self._models.items()}

    def close_all(self) -> None:
        with self._lock:
            for name in list(self._models):
                self._evict(name)

    def _get(self, name: str) -> Loaded:
        with self._lock:
            if name in self._models:
                self._models.move_to_end(name)
                return self._models[name]
            self._make_room(name)
            engine, resident_mb = self._loader(name)
            loaded = Loaded(name, engine, max(resident_mb, self._estimate_mb(name)))
            self._models[name] = loaded
            self.events.append(f"load {name}")
            return loaded

    def _make_room(self, name: str) -> None:
        needed = self._estimate_mb(name)
        if needed > self.budget_mb:
            raise ModelFileError(
                f"model '{name}' needs about {needed} MB, more than the memory budget of {self.budget_mb} MB",
                "raise [local] memory_budget_mb in plancoder.toml or choose a smaller model",
            )
        while self._models and sum(m.resident_mb for m in self._models.values()) + needed > self.budget_mb:
            self._evict(next(iter(self._models)))

    def _evict(self, name: str) -> None:
        loaded = self._models.pop(name)
        with loaded.lock:
            loaded.close()
        self.events.append(f"unload {name}")
