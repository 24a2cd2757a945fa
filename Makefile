# Everything a fresh machine needs is installed here, into .venv, from pyproject.toml.
# durable-rules 2.0.28 builds on CPython 3.11 and 3.12 only: take the first of those that runs.
PYTHON ?= $(shell for p in python3.11 python3.12 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
KAOHE := $(VENV)/bin/kaohe
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.11 或 3.12（durable-rules 不支持 3.13）" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Score the bundled sample evidence; score sheets, summaries and JSON under out/, one
# municipality's fill-in workbook, and the drafter's diff and impact reports for 湖北 2014 → 2015. The samples include a unit with a missing value on
# purpose, so this run accepts provisional results.
demo: $(STAMP)
	$(KAOHE) validate rulesets/national-2013
	$(KAOHE) score rulesets/wenzhou-2014 rulesets/wenzhou-2014/samples --provisional -o out/wenzhou-2014
	$(KAOHE) score rulesets/hubei-2014 rulesets/hubei-2014/samples --provisional -o out/hubei-2014
	$(KAOHE) template rulesets/wenzhou-2014 --unit 鹿城区 -o out/wenzhou-2014-鹿城区-填报表.xlsx
	$(KAOHE) diff rulesets/hubei-2014 rulesets/hubei-2015 -q --html out/hubei-2014-2015-比较.html --xlsx out/hubei-2014-2015-比较.xlsx > /dev/null
	$(KAOHE) impact rulesets/hubei-2014 rulesets/hubei-2015 rulesets/hubei-2014/samples -q --html out/hubei-2014-2015-影响.html --xlsx out/hubei-2014-2015-影响.xlsx > /dev/null

# The round tests need a real PostgreSQL: tests/postgres.sh installs Debian's postgresql package when it is
# missing (as root); the tests start a throwaway server of their own. The browser tests drive Debian's
# Chromium through Playwright and Debian's Firefox through Marionette: tests/browser.sh installs the chromium,
# firefox-esr and fonts-noto-cjk packages likewise.
test: $(STAMP)
	bash tests/postgres.sh
	bash tests/browser.sh
	$(VENV)/bin/python -m pytest

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench.py

clean:
	rm -rf $(VENV) out
