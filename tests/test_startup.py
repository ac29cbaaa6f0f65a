import json
import os
import subprocess
import sys

PROBE = """
import json, os, sys, time
t = time.perf_counter()
import plancoder
elapsed = time.perf_counter() - t
print(json.dumps({
    "elapsed": elapsed,
    "dspy_imported": "dspy" in sys.modules,
    "litellm_imported": "litellm" in sys.modules,
    "cost_map": os.environ.get("LITELLM_LOCAL_MODEL_COST_MAP"),
    "cachedir": os.environ.get("DSPY_CACHEDIR"),
}))
"""


def run_probe(tmp_path, **extra_env):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLANCODER", "DSPY", "LITELLM"))}
    env.update(HOME=str(tmp_path / "user"), **extra_env)
    (tmp_path / "user").mkdir(exist_ok=True)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_is_light_and_does_not_touch_home(tmp_path):
    report = run_probe(tmp_path)
    assert report["dspy_imported"] is False and report["litellm_imported"] is False
    assert report["cost_map"] == "True"
    assert report["cachedir"] == str(tmp_path / "user" / ".plancoder" / "dspy_cache")
    assert list((tmp_path / "user").iterdir()) == []


def test_plancoder_home_moves_the_dspy_cache(tmp_path):
    report = run_probe(tmp_path, PLANCODER_HOME=str(tmp_path / "data"))
    assert report["cachedir"] == str(tmp_path / "data" / "dspy_cache")


def test_user_exported_values_win(tmp_path):
    report = run_probe(tmp_path, LITELLM_LOCAL_MODEL_COST_MAP="False", DSPY_CACHEDIR="/elsewhere")
    assert report["cost_map"] == "False" and report["cachedir"] == "/elsewhere"
