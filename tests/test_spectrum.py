import ast

import dspy
import pytest
from bench_scripts import BENCH, load_bench
from buggy_calc import BUGGY, GOOD, TEST_CMD, fix_reply

from plancoder import sandbox, spectrum
from plancoder.adapters import ChatOnlyAdapter
from plancoder.coder import Coder
from plancoder.edits import functions
from plancoder.programs import role_program
from plancoder.sandbox import Limits
from plancoder.scripted import Script

LIMITS = Limits(wall_s=30)


def suspects_of(source, lines_run, shown=spectrum.SHOWN):
    return spectrum.suspects(lines_run, source, functions(ast.parse(source)), shown)


def test_ochiai_ranks_the_lines_only_failing_tests_ran_first():
    lines_run = ((True, frozenset({1, 2, 3})), (True, frozenset({1, 3})), (False, frozenset({1, 2})))
    scores = spectrum.ochiai(lines_run)
    assert scores[3] == pytest.approx(1.0)  # both failing tests, no passing one
    assert scores[1] == pytest.approx(2 / 6**0.5)  # every test ran it
    assert scores[2] == pytest.approx(0.5)  # one failing and one passing test
    assert spectrum.ochiai(((False, frozenset({1})),)) == {}
    assert spectrum.most_suspicious(scores) == [3, 1, 2] and spectrum.most_suspicious({4: 0.5, 2: 0.5}, 1) == [2]


def test_suspects_name_each_line_with_its_function_most_suspicious_first():
    text = suspects_of(BUGGY, ((True, frozenset({3})), (False, frozenset({7}))))
    assert text.splitlines() == [spectrum.HEADING, "- line 3 in `add`: return a - b"]
    method = "class A:\n    def f(self):\n        return 1\n\n\nx = 2\n"
    lines_run = ((True, frozenset({3, 6, 9})),)  # line 9 is past the end: a stale spectrum shows nothing for it
    shown = ["- line 3 in `A.f`: return 1", "- line 6 in `<module>`: x = 2"]
    assert suspects_of(method, lines_run).splitlines()[1:] == shown
    assert len(suspects_of(method, lines_run, shown=1).splitlines()) == 2


def test_no_failing_test_means_no_suspects():
    assert suspects_of(BUGGY, ()) == ""
    assert suspects_of(BUGGY, ((False, frozenset({3})),)) == ""
    assert suspects_of(BUGGY, ((True, frozenset({99})),)) == ""  # a spectrum of another version of the file


def test_a_traced_sandbox_run_records_the_lines_each_test_ran(calc_project):
    run = sandbox.run_tests(calc_project, TEST_CMD, limits=LIMITS, trace="calc.py")
    plain = sandbox.run_tests(calc_project, TEST_CMD, limits=LIMITS)
    assert run.passed is plain.passed is False and run.output.count("passed") == plain.output.count("passed")
    assert set(run.lines_run) == {(True, frozenset({3})), (False, frozenset({3})), (False, frozenset({7}))}
    assert plain.lines_run == ()


def test_a_command_that_is_not_pytest_gives_no_spectrum(calc_project):
    command = "python -c 'import calc; assert calc.add(2, 3) == 5'"
    run = sandbox.run_tests(calc_project, command, limits=LIMITS, trace="calc.py")
    assert not run.passed and run.lines_run == ()


def test_unreadable_plugin_output_is_no_spectrum(tmp_path):
    (tmp_path / "tmp").mkdir()
    assert spectrum.collect(tmp_path) == ()
    (tmp_path / "tmp" / spectrum.OUTPUT).write_text('[{"failed": true}]')
    assert spectrum.collect(tmp_path) == ()


@pytest.mark.parametrize("localise", [True, False])
def test_the_coder_shows_the_model_the_suspect_lines_after_the_failing_output(calc_project, localise):
    script = Script([fix_reply(GOOD)])
    with dspy.context(lm=script.lm(), adapter=ChatOnlyAdapter()):
        result = Coder(limits=LIMITS, localise=localise)(project=str(calc_project), file="calc.py", test_cmd=TEST_CMD)
    prompt = script.calls[0]["messages"][-1]["content"]
    assert result.passed
    assert (f"{spectrum.HEADING}\n- line 3 in `add`: return a - b" in prompt) is localise


@pytest.fixture
def localisation_bench(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # it imports instruction_headroom's report
    return load_bench("fault_localisation")


def test_the_bench_ranks_a_seeded_line_and_says_whether_the_model_sees_it(localisation_bench, capsys):
    bugs = {bug["id"]: bug for bug in role_program("coder").items("validation", None)}
    chosen = [bugs["roman_numerals-wrong_variable-L70"], bugs["heap_lite-dropped_return-L63"]]
    assert localisation_bench.seeded_rank(chosen[0]) == (1, True)
    assert localisation_bench.seeded_rank(chosen[1]) == (None, False)  # the dropped line is no longer there
    localisation_bench.rank_table(chosen)
    assert capsys.readouterr().out.splitlines()[-1] == "rank 1: 1/2; shown: 1/2"
    assert localisation_bench.localising(Coder(), True).localise is True
