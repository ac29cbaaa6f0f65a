# The README's commands are these targets. `make run` and `make test` each install first if needed.
PYTHON ?= python3
VENV ?= .venv
CONSTRAINTS ?= constraints.txt
BIN := $(VENV)/bin
# llama-cpp-python ships only as source: build it without GPU back ends (5-8 min on 2 cores; pip caches
# the wheel, so later installs on the same machine take seconds). Not -march=native: on a virtual machine
# whose CPU advertises AMX that the hypervisor does not enable, the native build dies on its first
# `ldtilecfg` (a general protection fault, seen here); AVX2/FMA/F16C run on every x86-64 server since 2013.
export CMAKE_ARGS ?= -DGGML_CUDA=OFF -DGGML_METAL=OFF -DGGML_VULKAN=OFF -DGGML_BLAS=OFF -DGGML_OPENMP=ON \
	-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: install run test test-fast lint format bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install -e ".[local,tracking,postgres,dev]" -c $(CONSTRAINTS)
	touch $@

## The main job on the embedded default model: check the machine, then the Coder fixes a seeded bug.
run: install
	$(BIN)/plancoder doctor
	$(BIN)/plancoder demo

## Every test, the real local model included (marked `llm`), with line coverage >= 90 %.
test: install
	$(BIN)/pytest --cov=plancoder --cov-report=term-missing --cov-fail-under=90

## Only the tests that need no real model and install nothing.
test-fast: install
	$(BIN)/pytest -m "not llm and not install"

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/import_time.py
	$(BIN)/python bench/lm_overhead.py
	$(BIN)/python bench/constitution_overhead.py
	$(BIN)/python bench/tracking_overhead.py
	$(BIN)/python bench/service_load.py

clean:
	rm -rf $(VENV) .venv-latest .pytest_cache .coverage build src/*.egg-info
