#!/bin/sh
# Development container: build, serve, and rebuild + restart whenever a source file changes.
set -eu
while true; do
    swift build --product thoth
    .build/debug/thoth server start --api-host 0.0.0.0 &
    server=$!
    inotifywait -qq -r -e modify,create,delete,move Sources Package.swift
    kill -TERM "$server"
    wait "$server" || true
done
