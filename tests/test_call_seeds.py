"""Per-call sampling seeds for the embedded model: the same request samples the same answer in any run."""

import dspy
import pytest

from plancoder import local_lm
from plancoder.local_lm import SEED_LIMIT, CallSeeds
from plancoder.local_pool import ModelPool
from plancoder.models import ModelSwitcher

ASK = [{"role": "user", "content": "Plan: add a login page."}]
HOT = {"temperature": 0.7, "max_tokens": 64}


def test_a_request_gets_the_same_seed_whatever_came_before():
    fresh, busy = CallSeeds(1), CallSeeds(1)
    busy([{"role": "user", "content": "something else"}], HOT)
    assert fresh(ASK, HOT) == busy(ASK, HOT)


def test_asking_the_same_again_draws_a_new_seed():
    seeds = CallSeeds(1)
    assert len({seeds(ASK, HOT) for _ in range(5)}) == 5


@pytest.mark.parametrize(
    "base, messages, params",
    [(2, ASK, HOT), (1, [{"role": "user", "content": "Plan: add a logout page."}], HOT), (1, ASK, HOT | {"seed": 7})],
)
def test_the_seed_changes_with_the_configured_seed_the_messages_and_the_parameters(base, messages, params):
    assert CallSeeds(base)(messages, params) != CallSeeds(1)(ASK, HOT)


def test_seeds_fit_llama_cpp_and_never_mean_random():
    """llama.cpp takes a 32-bit seed, and its all-ones value means "draw a random one"."""
    seeds = CallSeeds(0)
    drawn = [seeds([{"role": "user", "content": str(n)}], HOT) for n in range(500)]
    assert all(0 <= seed < 2**32 - 1 for seed in drawn) and len(set(drawn)) == 500
    assert SEED_LIMIT == pytest.importorskip("llama_cpp").LLAMA_DEFAULT_SEED


def test_old_requests_are_forgotten_past_the_limit(monkeypatch):
    monkeypatch.setattr(local_lm, "REMEMBERED_REQUESTS", 2)
    seeds, first = CallSeeds(1), CallSeeds(1)(ASK, HOT)
    seeds(ASK, HOT)
    for n in range(2):
        seeds([{"role": "user", "content": str(n)}], HOT)
    assert seeds(ASK, HOT) == first


def test_the_switcher_gives_every_local_call_its_seed(settings, bare_home, monkeypatch):
    sent = []

    def fake_complete(pool, name, messages, params, reuse_prefix):
        sent.append(params)
        message = {"role": "assistant", "content": "[[ ## answer ## ]]\nok\n\n[[ ## completed ## ]]"}
        return {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}], "usage": {}}

    monkeypatch.setattr(local_lm, "complete", fake_complete)
    switcher = ModelSwitcher(settings, bare_home, {})
    lm = switcher.lm("local/qwen2.5-coder-0.5b")
    with dspy.context(lm=lm.copy(temperature=0.7, cache=False)):
        for _ in range(2):
            dspy.Predict("question -> answer")(question="why?")
    assert [params["temperature"] for params in sent] == [0.7, 0.7]
    assert sent[0]["seed"] != sent[1]["seed"]


class FakeLlama:
    """llama-cpp-python's cache bookkeeping: a prompt is the message's characters, batches of 4 tokens."""

    n_batch = 4

    def __init__(self) -> None:
        self.input_ids, self.n_tokens, self.kept = [0] * 64, 0, []

    def generate(self, tokens, **params):
        self.kept.append(self.n_tokens)  # what llama.cpp may reuse: it matches a prefix within these tokens
        self.input_ids[: len(tokens) + 2] = [*tokens, 0, 0]  # the prompt, then two generated tokens
        self.n_tokens = len(tokens) + 2
        return iter(())

    def create_chat_completion(self, messages, **params):
        list(self.generate([ord(c) for c in messages[0]["content"]]))
        return {"choices": [], "usage": {}}


def test_a_cached_prefix_is_reused_only_up_to_a_boundary_of_whole_batches():
    engine = FakeLlama()
    pool = ModelPool(lambda name: (engine, 1), lambda name: 1, budget_mb=10)
    for text in ["0123456789abc", "0123456789xyz", "0123456789xyz", "01234567", "ab"]:
        local_lm.complete(pool, "m", [{"role": "user", "content": text}], HOT)
    # shared 10 of 13 -> 8; the same 13 again -> 12 (one token left to evaluate); 8 of 8 -> 4; none -> 0
    assert engine.kept == [0, 8, 12, 4, 0]


def test_with_reuse_prefix_the_cache_is_left_to_llama_cpp_and_not_trusted_afterwards():
    engine = FakeLlama()
    pool = ModelPool(lambda name: (engine, 1), lambda name: 1, budget_mb=10)
    for reuse in (False, True, False):
        local_lm.complete(pool, "m", [{"role": "user", "content": "0123456789abc"}], HOT, reuse_prefix=reuse)
    assert engine.kept == [0, 15, 0]  # after an unaligned call nothing is known to be batched as afresh
