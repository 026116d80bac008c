# The two commands: `make site` builds everything (site + PDFs); `make test` runs the tests.
PY := .venv/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test setup setup-site serve check status clean

setup:
	@bash scripts/bootstrap.sh test

setup-site:
	@bash scripts/bootstrap.sh site

site: setup-site
	$(PY) build.py build

test: setup
	$(PY) -m pytest -q

serve: setup-site
	$(PY) build.py serve

check: setup-site
	$(PY) build.py check

status: setup-site
	$(PY) build.py status

clean:
	rm -rf site build
