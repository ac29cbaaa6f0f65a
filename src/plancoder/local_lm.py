"""The embedded default LM: llama.cpp in process, reached through DSPy like any API model.

The model is registered as a LiteLLM custom provider named ``local``, so ``dspy.LM("local/<name>")``
goes module -> adapter -> ``dspy.LM`` -> LiteLLM -> this handler. That keeps DSPy's usage tracking,
callbacks, history, caching and MLflow token counts working on every DSPy 3 version, where a custom
``dspy.BaseLM`` subclass loses them on 3.0.x and is deprecated on 3.4.
"""

import atexit
import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from plancoder.config import LocalConfig
from plancoder.errors import ModelFileError
from plancoder.local_pool import MB, ModelPool
from plancoder.weights import CATALOG, WeightSpec, ensure_model_file

PROVIDER = "local"
PASSED_PARAMS = ("temperature", "max_tokens", "top_p", "stop", "seed")
SEED_LIMIT = 0xFFFFFFFF
"""llama.cpp seeds are 32-bit and this value means "random": per-call seeds stay below it."""
REMEMBERED_REQUESTS = 4096
"""Distinct requests whose repeats ``CallSeeds`` counts; the repeats that matter (retries) come close together."""
CONTEXT_OVERHEAD_MB = 200
"""Compute buffers and bookkeeping on top of the weights and the KV cache (measured: ~150-250 MB)."""


def weight_spec(name: str) -> WeightSpec:
    """The catalog entry for a local model name."""
    if name not in CATALOG:
        from plancoder.errors import UnknownModelError

        raise UnknownModelError(
            f"unknown local model '{name}'", f"use one of: {', '.join('local/' + n for n in CATALOG)}"
        )
    return CATALOG[name]


def estimate_resident_mb(spec: WeightSpec, cfg: LocalConfig) -> int:
    """Weights + f16 KV cache (~32 KB per token for these Qwen sizes at most) + compute buffers."""
    kv_mb = cfg.n_ctx * 32 * 1024 // MB
    return spec.size // MB + kv_mb + CONTEXT_OVERHEAD_MB


def _rss_mb() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // MB
    except (OSError, ValueError, IndexError):
        return 0


def load_llama(path: Path, cfg: LocalConfig) -> Any:
    """Load a GGUF file with llama.cpp; memory mapping off (it re-faults weights on this kind of VM)."""
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ModelFileError(
            "llama-cpp-python is not installed", "pip install 'plancoder[local]' -c constraints.txt"
        ) from None
    threads = cfg.threads or os.cpu_count() or 1
    return Llama(
        model_path=str(path),
        n_ctx=cfg.n_ctx,
        n_threads=threads,
        n_threads_batch=threads,
        use_mmap=False,
        verbose=False,
        seed=cfg.seed,
    )


def make_pool(cfg: LocalConfig, home: Path) -> ModelPool:
    """A pool that assembles, verifies and loads catalog models on first use."""

    def loader(name: str) -> tuple[Any, int]:
        path = ensure_model_file(weight_spec(name), home)
        before = _rss_mb()
        engine = load_llama(path, cfg)
        return engine, _rss_mb() - before

    pool = ModelPool(loader, lambda name: estimate_resident_mb(weight_spec(name), cfg), cfg.memory_budget_mb)
    atexit.register(pool.close_all)  # free llama.cpp contexts before interpreter teardown breaks their __del__
    return pool


def chat_params(optional_params: dict[str, Any]) -> dict[str, Any]:
    """The sampling parameters passed to llama.cpp.

    ``response_format`` is dropped: llama.cpp's JSON grammar can stall generation for minutes on
    CPU with these vocabularies, and the small models write JSON as well when the prompt asks for it;
    outputs are validated by the adapters and the roles instead.
    """
    return {key: optional_params[key] for key in PASSED_PARAMS if optional_params.get(key) is not None}


class Repeats:
    """Per request, how often it came before: ``key(parts)`` is the request's digest and that count.

    ``remember`` bounds the requests kept (the oldest are forgotten); None keeps them all."""

    def __init__(self, remember: int | None = None) -> None:
        self.remember = remember
        self._seen: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, parts: list[Any]) -> str:
        request = _digest(json.dumps(parts, sort_keys=True, default=str))
        with self._lock:
            seen = self._seen.pop(request, 0)
            self._seen[request] = seen + 1
            if self.remember is not None and len(self._seen) > self.remember:
                self._seen.popitem(last=False)
        return f"{request}:{seen}"


class CallSeeds:
    """A sampling seed per call, drawn from the request itself.

    llama-cpp-python seeds a call without a seed from the previous call's seed, so a sampled answer
    depended on how many calls the process had made before: the same Planner program on the same test
    task answered differently from run to run. Here the seed hashes the configured seed, the messages,
    the sampling parameters and how often this very request came before in the process: the same
    request draws the same answer in any run, and asking it again draws a new one.
    """

    def __init__(self, base: int) -> None:
        self.base = base
        self._repeats = Repeats(REMEMBERED_REQUESTS)

    def __call__(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> int:
        return int(_digest(self._repeats.key([self.base, messages, params]))[:16], 16) % SEED_LIMIT


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class AlignedPrefix:
    """Prompt-cache reuse that leaves every answer as the whole prompt evaluated afresh would give it.

    llama.cpp evaluates a prompt in batches of ``n_batch`` tokens, and a token's logits depend slightly
    on how the tokens before it were batched: reusing whatever prefix the previous call left in the
    key-value cache (llama-cpp-python's default) gave another sampled answer from the same seed. Here a
    call reuses only a shared prefix that ends at a batch boundary and was itself evaluated in whole
    batches, so every batch of the new prompt is formed as in a fresh evaluation: the same answer
    (measured on the embedded models), at the cost of the unshared part of the prompt only.
    """

    def __init__(self, llama: Any) -> None:
        self.llama, self.clean, self.align = llama, 0, True
        self._generate = llama.generate
        llama.generate = self.generate

    def generate(self, tokens: Any, *args: Any, **kwargs: Any) -> Any:
        """llama-cpp-python's ``generate``, its cache cut back to the reusable prefix first."""
        tokens = list(tokens)
        if self.align:
            self.llama.n_tokens = self.reusable(tokens)  # llama.cpp then matches (and keeps) this prefix only
        batch = self.llama.n_batch
        self.clean = len(tokens) // batch * batch if self.align else 0
        return self._generate(tokens, *args, **kwargs)

    def reusable(self, tokens: list[int]) -> int:
        """The longest prefix of ``tokens`` in the cache that ends at a boundary of whole batches."""
        limit = max(0, min(self.clean, self.llama.n_tokens, len(tokens) - 1))  # at least one token to evaluate
        pairs = zip(self.llama.input_ids[:limit], tokens[:limit], strict=True)
        shared = next((i for i, (old, new) in enumerate(pairs) if old != new), limit)
        return shared // self.llama.n_batch * self.llama.n_batch


def complete(
    pool: ModelPool, name: str, messages: list[dict[str, Any]], params: dict[str, Any], reuse_prefix: bool = False
) -> dict:
    """One chat completion on a pooled model, as an OpenAI-shaped dict with usage and latency.

    Unless ``reuse_prefix``, the answer depends on the request only (``AlignedPrefix``); with it, any
    cached prefix is reused, which is faster still but lets the previous call steer this one.
    """
    started = time.perf_counter()
    with pool.use(name) as llama:
        aligned_prefix(llama).align = not reuse_prefix
        try:
            result = llama.create_chat_completion(messages=messages, **params)
        except ValueError as error:  # llama.cpp reports context overflow as ValueError
            raise ModelFileError(f"local model '{name}': {error}", "shorten the input or raise [local] n_ctx") from None
    result["latency_s"] = time.perf_counter() - started
    return result


def aligned_prefix(llama: Any) -> AlignedPrefix:
    """The engine's ``AlignedPrefix``, installed on first use."""
    if not isinstance(getattr(llama, "plancoder_prefix", None), AlignedPrefix):
        llama.plancoder_prefix = AlignedPrefix(llama)
    return llama.plancoder_prefix
