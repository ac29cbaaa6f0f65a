import pytest

from plancoder.budget import (
    DataLimits,
    OptimizerCaps,
    RoleBudget,
    default_budget_path,
    describe,
    load_budgets,
    proposals,
)
from plancoder.errors import ConfigError

GOOD = """
planner:
  optimizer: {max_metric_calls: 40, max_wall_minutes: 60, max_reflection_tokens: 60000}
coder:
  optimizer: {max_metric_calls: 20, max_wall_minutes: 30, max_reflection_tokens: 1000}
  production: {max_latency_ratio: 1.1}
"""


def write(tmp_path, text):
    path = tmp_path / "optimizer_budget.yaml"
    path.write_text(text)
    return path


def test_the_packaged_budget_has_the_default_production_caps():
    budgets = load_budgets(default_budget_path())
    for role in ("planner", "coder"):
        caps = budgets.for_role(role).production
        assert (caps.max_latency_ratio, caps.max_token_ratio) == (1.20, 1.25)


def test_a_role_budget_keeps_its_own_caps_and_defaults_the_rest(tmp_path):
    budgets = load_budgets(write(tmp_path, GOOD))
    assert budgets.coder.production.max_latency_ratio == 1.1 and budgets.coder.production.max_token_ratio == 1.25
    assert budgets.planner.optimizer.reflection_minibatch_size == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace("max_wall_minutes: 60", "max_wall_minutes: 60, max_calls: 3"),
            "unknown key 'planner.optimizer.max_calls'",
        ),
        (GOOD.replace("max_metric_calls: 20", "max_metric_calls: -5"), "[coder.optimizer.max_metric_calls] = -5"),
        (GOOD.split("coder:")[0], "missing key 'coder' (fix: add that key)"),
        ("planner: [1, 2", "is not valid YAML"),
        (GOOD.replace("max_metric_calls: 20", "max_metric_calls: 20, proposer: magic"), "proposer"),
        (GOOD.replace("max_metric_calls: 20", "max_metric_calls: 20, demos: -1"), "[coder.optimizer.demos] = -1"),
        ("- just a list", "must map roles to budgets"),
        (
            GOOD + "  data: {validation_limit: 10, release_limit: 5}\n",
            "release_limit (5) is below validation_limit (10)",
        ),
        (GOOD.replace("{max_latency_ratio: 1.1}", "{max_latency_ratio: 1.1, repeats: 0}"), "coder.production.repeats"),
        (GOOD.replace("max_metric_calls: 20", "max_metric_calls: true"), "[coder.optimizer.max_metric_calls] = True"),
        (GOOD.replace("max_metric_calls: 20", "max_metric_calls: '20'"), "[coder.optimizer.max_metric_calls] = '20'"),
        (GOOD.replace("max_wall_minutes: 30", "max_wall_minutes: .inf"), "[coder.optimizer.max_wall_minutes] = inf"),
        (GOOD.replace("max_wall_minutes: 30", "max_wall_minutes: 1.0e+300"), "less than or equal to 10080"),
        (
            GOOD.replace("max_wall_minutes: 30", "max_wall_minutes: 30, max_wall_minutes: 90"),
            "'max_wall_minutes' appears twice",
        ),
        (GOOD + "coder: {}\n", "key 'coder' appears twice"),
    ],
)
def test_a_malformed_budget_file_names_the_key_and_the_fix(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        load_budgets(write(tmp_path, text))
    assert message in str(error.value) and "fix:" in str(error.value)


@pytest.mark.parametrize(
    ("pick", "limit", "chosen"),
    [("spread", 4, [0, 3, 6, 9]), ("first", 4, [0, 1, 2, 3]), ("spread", None, list(range(12))), ("first", 20, None)],
)
def test_the_tasks_a_run_uses_are_spread_over_the_split_or_the_first_ones(pick, limit, chosen):
    items = list(range(12))
    assert DataLimits(pick=pick).choose(items, limit) == (items if chosen is None else chosen)


def test_the_release_pass_takes_gepas_validation_tasks_then_unseen_ones_spread_over_the_rest():
    items = list(range(40))
    limits = DataLimits(validation_limit=10, release_limit=20)
    chosen = limits.for_release(items)
    assert chosen[:10] == limits.choose(items, 10) and len(set(chosen)) == 20
    assert chosen[10:] == [1, 5, 9, 13, 17, 21, 25, 29, 33, 37]
    assert DataLimits(validation_limit=10).for_release(items) == limits.choose(items, 10)
    assert DataLimits(release_limit=20).for_release(items) == items  # no limit: GEPA validates on all of them


def test_a_budget_file_that_is_not_utf8_says_so(tmp_path):
    (tmp_path / "b.yaml").write_bytes(GOOD.encode().replace(b"planner", b"pl\xe4nner"))
    with pytest.raises(ConfigError, match=r"is not UTF-8 text.*fix: save it as UTF-8"):
        load_budgets(tmp_path / "b.yaml")


def test_a_missing_budget_file_and_an_unknown_role_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_budgets(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="no optimizer budget for role 'reflection'"):
        load_budgets(write(tmp_path, GOOD)).for_role("reflection")


def test_the_budget_is_described_in_human_units_with_a_warning_when_too_small():
    caps = OptimizerCaps(max_metric_calls=40, max_wall_minutes=60, max_reflection_tokens=60000)
    assert proposals(caps, validation=6) == (2, 5)
    lines = describe(RoleBudget(optimizer=caps), "planner", train=8, validation=6, seconds_per_call=30.0)
    assert "40 metric calls = 6.7 full validation passes" in lines[0] and "roughly 20 min at 30.0 s" in lines[0]
    assert "room for 2 to 5 proposals" in lines[1] and len(lines) == 2
    wider = describe(RoleBudget(optimizer=caps), "coder", 8, 6, 30.0, release=20)[2]
    assert "on 20 validation tasks (14 unseen by GEPA), roughly 10 min per program" in wider
    small = RoleBudget(optimizer=caps.model_copy(update={"max_metric_calls": 12}))
    warning = describe(small, "planner", 8, 6, 30.0)[-1]
    assert warning.startswith("warning:") and "raise max_metric_calls above 30" in warning
