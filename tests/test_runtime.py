from plancoder.runtime import build_runtime


def test_runtime_configures_the_data_directory_and_can_force_the_cache_off(data_home):
    runtime = build_runtime(None, {}, cache=False)
    assert runtime.home == data_home and runtime.home.is_dir()
    assert runtime.settings.dspy.cache is False
    assert runtime.switcher.lm("openai/gpt-4o-mini").cache is False
    assert build_runtime(None, {}).settings.dspy.cache is True
