# govinspect — set-up and everyday commands. Everything the project needs is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_PORT ?= 8765

.PHONY: demo test lint typecheck pytest bench bench-text bench-logs bench-web web-assets sysdeps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# Debian packages the checks and tests use: chromium (mobile rendering, browser tests; never a browser
# download), LibreOffice (the report opens in it), a CJK font (chart labels). Installed only when missing.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	fc-list 2>/dev/null | grep -qiE "noto sans cjk|wenquanyi" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "安装系统依赖：$$missing"; (apt-get update -qq || true) && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "缺少系统依赖（需 root 安装）：$$missing；相关测试将跳过"; fi; fi

demo: $(STAMP)
	$(BIN)/python -m govinspect.demo.run --port $(DEMO_PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# ECharts and htmx from the npm registry into the console's static folder (not committed)
web-assets:
	sh web/build.sh

pytest: $(STAMP) sysdeps web-assets
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_crawl.py --checks-off --incremental

bench-text: $(STAMP)
	$(BIN)/python benchmarks/bench_text.py

bench-logs: $(STAMP)
	$(BIN)/python benchmarks/bench_logs.py

bench-web: $(STAMP)
	$(BIN)/python benchmarks/bench_web.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
