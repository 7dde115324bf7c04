# govinspect — set-up and everyday commands. Everything the project needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_PORT ?= 8765

.PHONY: demo test lint typecheck pytest bench bench-text browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian's chromium for the browser checks and tests; never a browser download.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium 未安装：浏览器相关测试将跳过（需 root 执行 apt-get install chromium）"; fi; }

demo: $(STAMP)
	$(BIN)/python -m govinspect.demo.run --port $(DEMO_PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) browser
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_crawl.py

bench-text: $(STAMP)
	$(BIN)/python benchmarks/bench_text.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
