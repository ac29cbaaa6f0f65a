from pathlib import Path

import pytest

from plancoder.config import ROLES, check_role, find_config, load_settings
from plancoder.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plancoder.toml"
    path.write_text(text)
    return path


def test_defaults_serve_every_role_with_an_embedded_model(settings):
    assert settings.source == "built-in defaults"
    assert settings.models.planner == settings.models.coder == "local/qwen2.5-coder-1.5b"
    assert settings.models.fallbacks["planner"] == settings.models.fallbacks["coder"] == ["local/qwen2.5-coder-0.5b"]
    assert settings.sampling.temperature == 0.0


def test_file_overrides_only_the_keys_it_sets(tmp_path):
    path = write(tmp_path, '[models]\ncoder = "openai/gpt-4o-mini"\n[local]\nmemory_budget_mb = 1500\n')
    settings = load_settings(path, {})
    assert settings.models.coder == "openai/gpt-4o-mini"
    assert settings.models.planner == "local/qwen2.5-coder-1.5b"
    assert settings.local.memory_budget_mb == 1500
    assert settings.local.n_ctx == 8192
    assert settings.source == str(path)


def test_config_is_found_by_env_then_working_directory(tmp_path, monkeypatch):
    explicit = write(tmp_path, "")
    assert find_config(explicit, {}) == explicit
    assert find_config(None, {"PLANCODER_CONFIG": "/x/y.toml"}) == Path("/x/y.toml")
    monkeypatch.chdir(tmp_path)
    assert find_config(None, {}) == tmp_path / "plancoder.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[models\nplanner = 1", "is not valid TOML"),
        ('[models]\ncoderr = "local/x"\n', "unknown key 'models.coderr' (fix: remove that key)"),
        ("[modles]\nplanner = 'x'\n", "unknown key 'modles'"),
        ("[local]\nmemory_budget_mb = -5\n", "[local.memory_budget_mb] = -5"),
        ("[sampling]\ntemperature = 'hot'\n", "[sampling.temperature] = 'hot': Input should be a valid number"),
        ("[models.fallbacks]\ntester = []\n", "unknown role 'tester'"),
    ],
)
def test_malformed_config_names_the_problem(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text), {})
    assert message in str(caught.value)
    assert "fix" in str(caught.value)


def test_missing_config_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", {})


def test_a_directory_as_config_file_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"config file \. is a directory") as caught:
        load_settings(Path(""), {})  # what --config '' gives
    assert "plancoder.toml" in caught.value.fix


def test_program_and_flag_paths_must_be_of_the_right_kind(tmp_path):
    (tmp_path / "a_file").write_text("")
    with pytest.raises(ConfigError, match="is a file; name a directory"):
        load_settings(write(tmp_path, f'[registry]\npath = "{tmp_path / "a_file"}"\n'), {})
    with pytest.raises(ConfigError, match="is a directory; name a JSON file"):
        load_settings(write(tmp_path, f'[flags]\npath = "{tmp_path}"\n'), {})
    with pytest.raises(ConfigError, match=r"a_file/flags\.json' is under .*a_file, which is a file; name a JSON file"):
        load_settings(write(tmp_path, f'[flags]\npath = "{tmp_path / "a_file" / "flags.json"}"\n'), {})
    missing = load_settings(write(tmp_path, f'[registry]\npath = "{tmp_path / "new"}"\n'), {})
    assert missing.registry.path == str(tmp_path / "new")


def test_unknown_role_lists_known_roles():
    assert check_role("coder") == "coder"
    with pytest.raises(ConfigError) as caught:
        check_role("tester")
    assert all(role in caught.value.fix for role in ROLES)


def test_a_config_saved_with_a_byte_order_mark_reads_as_without(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbf[models]\nplanner = "local/qwen2.5-coder-0.5b"\n')
    assert load_settings(path, {}).models.planner == "local/qwen2.5-coder-0.5b"
