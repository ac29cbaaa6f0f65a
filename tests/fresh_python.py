"""What a snippet prints in new Python processes with different string hash seeds: a result that depends
on set or dict-of-hash order agrees with itself within one process, but not across processes."""

import os
import subprocess
import sys


def printed_under_hash_seeds(code: str, seeds: tuple[int, ...] = (1, 2)) -> list[str]:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    return [_run(code, {**env, "PYTHONHASHSEED": str(seed)}) for seed in seeds]


def _run(code: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout
