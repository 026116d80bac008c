# The two commands: `make site` builds everything (site + PDFs); `make test` runs the tests.
PY := .venv/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test setup serve check status clean

setup:
	@bash scripts/bootstrap.sh

site: setup
	$(PY) build.py build

test: setup
	$(PY) -m pytest -q

serve: setup
	$(PY) build.py serve

check: setup
	$(PY) build.py check

status: setup
	$(PY) build.py status

clean:
	rm -rf site build
