# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench accuracy report schemas lock lint clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The label taggers are trained from the gold when ../shared has it (never committed): adverse
# reactions from TAC 2017, interaction precipitants from NLM DDI.
TAGGER := src/drugdata/trained/ae_tagger.crfsuite
$(TAGGER): $(STAMP) src/drugdata/extract/mention_tagger.py $(wildcard ../shared/gold/tac2017_adr/train.json ../shared/labels/tac2017_unannotated)
	$(VENV)/bin/drugdata train-tagger --gold ../shared/gold --tagger ae
DDI_TAGGER := src/drugdata/trained/ddi_tagger.crfsuite
$(DDI_TAGGER): $(STAMP) src/drugdata/extract/mention_tagger.py src/drugdata/extract/precipitant_tagger.py \
		$(wildcard ../shared/gold/nlm_ddi/*.xml)
	$(VENV)/bin/drugdata train-tagger --gold ../shared/gold --tagger ddi

run: $(STAMP) $(TAGGER) $(DDI_TAGGER)  ## build output/ from raw/ (trains the taggers first where the gold is present)
	$(VENV)/bin/drugdata build --raw raw --out output
	$(VENV)/bin/drugdata report --out output

report: $(STAMP)  ## the static HTML report of the current release (output/report/)
	$(VENV)/bin/drugdata report --out output

test: $(STAMP)  ## the test suite (offline, a few minutes at most)
	$(PY) -m pytest -q

BENCH_SIZES ?= 1000,10000,100000
bench: $(STAMP)  ## stage throughput, then builds of 1k/10k/100k generated documents (writes bench/results.md)
	$(PY) bench/throughput.py
	$(PY) bench/scale.py --sizes $(BENCH_SIZES)

accuracy: $(STAMP)  ## extraction accuracy on the gold in ../shared/gold (writes bench/accuracy.md)
	$(VENV)/bin/drugdata eval all --write bench/accuracy.md

fuzz: $(STAMP)  ## a short Hypothesis fuzzing run of the readers and stages (prints what it saw)
	$(PY) bench/fuzz_readers.py --examples 3000

schemas: $(STAMP)  ## regenerate schemas/ and docs/data-dictionary.md from the contracts
	$(PY) -m drugdata.schema_export --root .

lock:  ## re-pin dependencies (needs uv: pip install uv)
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

lint: $(STAMP)  ## ruff over the code
	$(PY) -m ruff check src flows tests bench
	$(PY) -m mypy src flows --ignore-missing-imports

clean:
	rm -rf $(VENV) output/releases output/parquet output/drugdata.duckdb output/.staging-* output/report
