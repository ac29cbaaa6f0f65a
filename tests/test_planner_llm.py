"""The real Planner path on the embedded 0.5B model: a plan is valid, or it is not returned as one."""

import pytest

from plancoder.planning import judge, load_tasks
from plancoder.planning_run import plan_task
from plancoder.runtime import build_runtime

pytestmark = pytest.mark.llm


@pytest.mark.article("III")
def test_the_embedded_planner_never_returns_a_plan_with_dependency_violations(tmp_path):
    config = tmp_path / "plancoder.toml"
    config.write_text("[local]\nn_ctx = 4096\n")
    runtime = build_runtime(config, {}, cache=False)
    task = load_tasks(split="test")[0]
    record = plan_task(runtime, task["task"], task.get("context", ""), model="local/qwen2.5-coder-0.5b")
    assert 1 <= record["attempts"] <= 3 and record["tokens"]["prompt_tokens"] > 100
    if record["valid"]:
        assert record["dependency_violations"] == 0 and record["violations"] == []
        assert judge(record["plan_object"], task)[0] > 0.4
    else:
        assert record["feedback"] and record["attempts"] == 3
