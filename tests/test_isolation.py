from plancoder import isolation


def test_a_python_installation_under_a_private_tmp_is_exposed_again():
    assert isolation._tmp_cover("/tmp/clone/.venv") == "/tmp"
    assert isolation._tmp_cover("/dev/shm/env") == "/dev/shm"
    assert isolation._tmp_cover("/work/main/.venv") is None
    assert isolation._tmp_cover("/tmpfoo/env") is None


def test_exposures_name_a_cover_for_each_hidden_installation_part():
    for cover, path in isolation._exposures(True):
        assert path.startswith(f"{cover}/")
