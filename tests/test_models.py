import dspy
import pytest
from dspy.utils.exceptions import AdapterParseError

from plancoder.adapters import ChatOnlyAdapter
from plancoder.config import load_settings
from plancoder.errors import ConfigError, InputError, ModelCallError, UnknownModelError
from plancoder.models import ModelChain, ModelSwitcher, check_spec, configure_dspy, resolve_spec
from plancoder.scripted import Script, chat_answer


def test_resolution_order_is_argument_then_env_then_config(settings):
    env = {"PLANCODER_MODEL_CODER": "local/qwen2.5-coder-0.5b"}
    assert resolve_spec("coder", settings, {}) == "local/qwen2.5-coder-1.5b"
    assert resolve_spec("coder", settings, env) == "local/qwen2.5-coder-0.5b"
    assert resolve_spec("coder", settings, env, "openai/gpt-4o-mini") == "openai/gpt-4o-mini"
    with pytest.raises(UnknownModelError, match="model spec '' is not 'provider/model'"):
        resolve_spec("coder", settings, env, "")  # --model "": a mistake, not the configured model


def test_unknown_local_model_lists_the_known_ones():
    with pytest.raises(UnknownModelError) as caught:
        check_spec("local/qwen-7b")
    assert "local/qwen2.5-coder-0.5b" in caught.value.fix and "local/qwen2.5-coder-1.5b" in caught.value.fix


@pytest.mark.parametrize("spec", ["nonsense", "notaprovider/some-model", "/x", "local/"])
def test_malformed_or_unknown_specs_are_refused(spec):
    with pytest.raises(UnknownModelError):
        check_spec(spec)


def test_api_and_server_specs_are_accepted():
    for spec in ["openai/gpt-4o-mini", "anthropic/claude-3-5-haiku", "ollama/qwen2.5-coder", "hosted_vllm/m"]:
        assert check_spec(spec) == spec


def test_unknown_role_from_the_switcher(settings, bare_home):
    with pytest.raises(ConfigError, match="unknown role 'tester'"):
        ModelSwitcher(settings, bare_home, {}).chain("tester")


def test_chain_has_the_role_model_then_fallbacks_without_duplicates(settings, bare_home):
    chain = ModelSwitcher(settings, bare_home, {}).chain("coder")
    assert chain.specs == ["local/qwen2.5-coder-1.5b", "local/qwen2.5-coder-0.5b"]
    assert [lm.model for lm in chain.lms] == chain.specs
    same = ModelSwitcher(settings, bare_home, {"PLANCODER_MODEL_CODER": "local/qwen2.5-coder-0.5b"}).chain("coder")
    assert same.specs == ["local/qwen2.5-coder-0.5b"]


def test_lm_carries_sampling_settings_and_endpoint(tmp_path, bare_home):
    path = tmp_path / "plancoder.toml"
    path.write_text(
        "[sampling]\ntemperature = 0.3\nmax_tokens = 77\n"
        '[endpoints."openai/my-model"]\napi_base = "http://127.0.0.1:9/v1"\napi_key_env = "MY_KEY"\n'
    )
    settings = load_settings(path, {})
    lm = ModelSwitcher(settings, bare_home, {"MY_KEY": "k"}).lm("openai/my-model")
    assert lm.kwargs["temperature"] == 0.3 and lm.kwargs["max_tokens"] == 77
    assert lm.kwargs["api_base"] == "http://127.0.0.1:9/v1" and lm.kwargs["api_key"] == "k"
    with pytest.raises(ConfigError, match=r"\$MY_KEY, which is not set"):
        ModelSwitcher(settings, bare_home, {}).lm("openai/my-model")


def test_scripted_lm_runs_predict_and_chain_of_thought_with_usage():
    script = Script([chat_answer(answer="Paris"), chat_answer(reasoning="Capital of France.", answer="Paris")])
    with dspy.context(lm=script.lm(), track_usage=True, adapter=dspy.ChatAdapter()):
        plain = dspy.Predict("question -> answer")(question="Capital of France?")
        cot = dspy.ChainOfThought("question -> answer")(question="Capital of France?")
    assert plain.answer == cot.answer == "Paris"
    assert cot.reasoning == "Capital of France."
    usage = cot.get_lm_usage()[script.spec]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert "Capital of France?" in script.calls[0]["messages"][-1]["content"]


def test_scripted_lm_receives_temperature_and_max_tokens():
    script = Script([chat_answer(answer="x")])
    with dspy.context(lm=script.lm(temperature=0.7, max_tokens=12)):
        dspy.Predict("question -> answer")(question="q")
    assert script.calls[0]["params"]["temperature"] == 0.7
    assert script.calls[0]["params"]["max_tokens"] == 12


def test_scripted_lm_works_with_json_adapter_and_react():
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    replies = [
        '{"answer": "4"}',
        chat_answer(next_thought="use add", next_tool_name="add", next_tool_args='{"a": 2, "b": 3}'),
        chat_answer(next_thought="done", next_tool_name="finish", next_tool_args="{}"),
        chat_answer(reasoning="2+3", answer="5"),
    ]
    script = Script(replies)
    with dspy.context(lm=script.lm(), adapter=dspy.JSONAdapter()):
        assert dspy.Predict("question -> answer")(question="2+2").answer == "4"
    with dspy.context(lm=script.lm(), adapter=dspy.ChatAdapter()):
        result = dspy.ReAct("question -> answer: int", tools=[add], max_iters=3)(question="2+3?")
    assert result.answer == 5
    assert result.trajectory["observation_0"] == 5


def test_exhausted_script_is_an_error_not_a_silent_answer():
    script = Script([])
    with dspy.context(lm=script.lm()), pytest.raises(Exception, match="no reply left"):
        dspy.Predict("question -> answer")(question="q")


def test_fallback_chain_uses_the_next_model_on_error():
    broken = Script([RuntimeError("server down")])
    healthy = Script([chat_answer(answer="ok")])
    chain = ModelChain("planner", [broken.spec, healthy.spec], [broken.lm(), healthy.lm()])
    result = chain.run(lambda: dspy.Predict("question -> answer")(question="q"))
    assert result.answer == "ok"
    assert chain.served_by == healthy.spec
    assert chain.failures[0][0] == broken.spec and "server down" in chain.failures[0][1]


def test_all_models_failing_raises_with_every_error():
    first, second = Script([RuntimeError("a down")]), Script([RuntimeError("b down")])
    chain = ModelChain("planner", [first.spec, second.spec], [first.lm(), second.lm()])
    with pytest.raises(ModelCallError) as caught:
        chain.run(lambda: dspy.Predict("question -> answer")(question="q"))
    assert [spec for spec, _ in caught.value.failures] == [first.spec, second.spec]
    assert "a down" in caught.value.failures[0][1] and "b down" in caught.value.failures[1][1]  # kept whole
    assert f"{first.spec}: " in str(caught.value) and "\n" not in str(caught.value)  # one line


def test_the_user_s_input_error_stops_the_chain_at_once():
    first, second = Script([]), Script([])
    chain = ModelChain("coder", [first.spec, second.spec], [first.lm(), second.lm()])
    tried = []

    def tests_hang():
        tried.append(dspy.settings.lm.model)
        raise InputError("the tests time out before any change", "give a faster test command")

    with pytest.raises(InputError, match="time out"):
        chain.run(tests_hang)  # the next model would meet the same tests: it is not asked
    assert len(tried) == 1


def test_configure_dspy_keeps_the_cache_under_the_data_directory(settings, bare_home):
    configure_dspy(settings, bare_home)
    try:
        assert dspy.settings.track_usage is True
        assert str(bare_home) in str(dspy.cache.disk_cache.directory)
    finally:
        dspy.configure_cache(enable_disk_cache=False, enable_memory_cache=False)


def test_chat_only_adapter_fails_fast_instead_of_retrying_as_json():
    script = Script(lambda messages: "no fields here")
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()), pytest.raises(AdapterParseError):
        dspy.Predict("question -> answer")(question="q")
    assert len(script.calls) == 1
