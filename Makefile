# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= sqlite:///$(CURDIR)/.demo/dealweb.sqlite

.PHONY: demo test lint bench eval-extract train-extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p .demo && rm -f .demo/dealweb.sqlite
	$(BIN)/dealweb init --db $(DEMO_DB)
	@echo; echo "== The ledger: what was announced =="
	$(BIN)/dealweb summary --db $(DEMO_DB)
	@echo; echo "== Money loops: the five largest =="
	$(BIN)/dealweb loops --limit 5 --db $(DEMO_DB)
	@echo; echo "== How much is circular =="
	$(BIN)/dealweb compress --db $(DEMO_DB)
	@echo; echo "== What breaks if AI revenue falls short =="
	$(BIN)/dealweb stress ai-revenue-shortfall --db $(DEMO_DB)

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m benchmarks

eval-extract: $(STAMP)
	$(BIN)/python -m dealweb.extract.evaluate tests/data/extraction
	@echo "--- held-out set (tests/data/extraction_heldout/README.md): not used for development"
	$(BIN)/python -m dealweb.extract.evaluate tests/data/extraction_heldout --quiet

# Refit the pair model (src/dealweb/extract/pair_model.json) on all labelled passages but the
# held-out set, printing its cross-validated score on the blind-labelled passages the rules were
# never tuned on, and the candidate filter on the development set's blind era.
train-extract: $(STAMP)
	$(BIN)/python -m dealweb.extract.train tests/data/extraction tests/data/extraction_blind \
		--cv-on tests/data/extraction_blind --company-features
	$(BIN)/python -m dealweb.extract.train_filter tests/data/extraction

clean:
	rm -rf $(VENV) .demo .pytest_cache
