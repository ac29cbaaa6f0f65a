import pytest

from plancoder.checks import CHECKS, CoderOutput, PlannerOutput
from plancoder.plan import Plan, Step

ORIGINAL = (
    '"""Calc."""\n\n\ndef add(a, b):\n    """Sum of a and b."""\n    return a - b\n\n\n'
    "def double(x):\n    return x * 2\n\n\nclass Box:\n    def put(self, item):\n        return item\n"
)


def case(article, *values):
    return pytest.param(*values, marks=pytest.mark.article(article))


def coder(candidate=None, changed=("calc.py",), tests_passed=True, edit_error=""):
    candidate = ORIGINAL.replace("a - b", "a + b") if candidate is None else candidate
    return CoderOutput("calc.py", ORIGINAL, "add", "", candidate, edit_error, changed, tests_passed)


def run(name, output):
    return CHECKS[name](output)


def test_a_clean_fix_passes_every_coder_check():
    assert {name: run(name, coder()) for name in CHECKS if name.startswith("coder.")} == {
        name: [] for name in CHECKS if name.startswith("coder.")
    }


@pytest.mark.parametrize(
    ("name", "output", "message"),
    [
        case(
            "I",
            "coder.only_target_file",
            coder(changed=("calc.py", "other.py")),
            "changes other.py; change only calc.py",
        ),
        case("I", "coder.tests_untouched", coder(changed=("tests/test_calc.py",)), "tests/test_calc.py is test code"),
        case("I", "coder.no_secrets", coder(changed=(".env",)), ".env looks like a secrets file"),
        case("I", "coder.no_secrets", coder(changed=("deploy/id_rsa",)), "id_rsa looks like a secrets file"),
        case("I", "coder.no_secrets", coder(ORIGINAL + 'TOKEN = "ghp_' + "a" * 36 + '"\n'), "credential-like literal"),
        case("I", "coder.no_secrets", coder(ORIGINAL + 'password = "correcthorse9"\n'), "credential-like literal"),
        case(
            "II", "coder.keeps_public_names", coder(ORIGINAL.replace("def double", "def _double")), "removes `double`"
        ),
        case(
            "II", "coder.keeps_signature", coder(ORIGINAL.replace("add(a, b)", "add(a, b, c=0)")), "from ['a', 'b'] to"
        ),
        case(
            "IV",
            "coder.keeps_docstring",
            coder(ORIGINAL.replace('    """Sum of a and b."""\n', "")),
            "drops the docstring",
        ),
        case("III", "coder.tests_pass", coder(tests_passed=False), "the tests still fail"),
        case("III", "coder.tests_pass", coder(tests_passed=None), "were not run"),
        case(
            "V",
            "coder.applies_as_edit",
            coder(edit_error="there is no function named `sub`"),
            "no function named `sub`",
        ),
        case("V", "coder.valid_python", coder(ORIGINAL + "def broken(:\n"), "not valid Python"),
    ],
)
def test_coder_checks_find_what_is_wrong(name, output, message):
    (found,) = run(name, output)
    assert message in found


@pytest.mark.article("I")
def test_secrets_already_in_the_file_are_not_the_fix_s_fault():
    leaky = ORIGINAL + 'password = "correcthorse9"\n'
    output = CoderOutput("calc.py", leaky, "add", "", leaky.replace("a - b", "a + b"), "", ("calc.py",), True)
    assert run("coder.no_secrets", output) == []
    another = leaky.replace("a - b", "a + b") + 'token = "0123456789abcdef"\n'
    output = CoderOutput("calc.py", leaky, "add", "", another, "", ("calc.py",), True)
    assert run("coder.no_secrets", output) == ["the fix writes a credential-like literal into the code; remove it"]


def test_code_checks_stay_quiet_when_there_is_no_candidate():
    output = coder(tests_passed=None, changed=(), edit_error="no def")
    output = CoderOutput(**{**output.__dict__, "candidate": None})
    quiet = ["coder.keeps_public_names", "coder.keeps_signature", "coder.keeps_docstring", "coder.valid_python"]
    assert all(run(name, output) == [] for name in quiet)
    assert run("coder.keeps_docstring", coder(ORIGINAL)) == []  # nothing changed


def plan(*steps, task="Add a `--verbose` flag to cli.py", **kwargs):
    return PlannerOutput(task, "", Plan(steps=list(steps)), **kwargs)


def step(id, title="Edit cli.py for --verbose", depends_on=(), acceptance="tests pass", files=()):
    return Step(id=id, title=title, depends_on=list(depends_on), acceptance=acceptance, files=list(files))


def test_a_good_plan_passes_every_planner_check():
    good = plan(step("s1", files=["src/cli.py"]), step("s2", "Test it", ["s1"]))
    assert {name: run(name, good) for name in CHECKS if name.startswith("planner.")} == {
        name: [] for name in CHECKS if name.startswith("planner.")
    }


@pytest.mark.parametrize(
    ("name", "output", "message"),
    [
        case("I", "planner.files_inside_repo", plan(step("s1", files=["/etc/passwd"])), "names /etc/passwd, outside"),
        case("I", "planner.files_inside_repo", plan(step("s1", files=["../x.py"])), "names ../x.py, outside"),
        case("II", "planner.mentions_task_facts", plan(step("s1", "Edit cli.py")), "names `--verbose` but no step"),
        case("III", "planner.plan_is_valid", plan(step("s1", depends_on=["s9"])), "unknown_dependency"),
        case("III", "planner.plan_is_valid", PlannerOutput("t", "", None), "no plan was produced"),
        case("IV", "planner.steps_have_acceptance", plan(step("s1", acceptance=" ")), "steps s1 have no acceptance"),
        case("V", "planner.step_ids_are_tokens", plan(step("step one")), "['step one'] are not short tokens"),
    ],
)
def test_planner_checks_find_what_is_wrong(name, output, message):
    assert message in run(name, output)[0]


@pytest.mark.article("II")
def test_task_facts_are_backticked_names_flags_and_file_names():
    output = plan(step("s1", "Do it"), task="Move `Store.save` into db.py and add --dry-run to the `sync` command")
    assert [m.split("`")[1] for m in run("planner.mentions_task_facts", output)] == [
        "Store.save",
        "db.py",
        "--dry-run",
        "sync",
    ]
    assert run("planner.mentions_task_facts", PlannerOutput("t", "", None)) == []
