#!/bin/sh
# Proves the Dockerfile's runtime stage without a Docker engine: the release binary built the
# way the Dockerfile builds it (static Swift stdlib, stripped) runs `thoth server start` inside a
# minimal Debian bookworm root that has only the runtime packages the Dockerfile installs, and
# passes `thoth health --simple` and a RAG index/search there.
#
#   sudo config/test-runtime-root.sh        (make test-runtime-root; needs debootstrap and root)
set -eu
ROOT_DIR=${ROOT_DIR:-.build/runtime-root}
# The runtime stage's package list, read from the Dockerfile so the two cannot drift.
PACKAGES=$(awk '/FROM .* AS runtime/{r=1} r && /apt-get install/{getline; print; exit}' Dockerfile | sed 's/\\//')
MIRROR=${MIRROR:-http://deb.debian.org/debian}

swift build -c release --product thoth --static-swift-stdlib
install -D -m 0755 .build/release/thoth .build/runtime-bin/thoth
strip .build/runtime-bin/thoth

if [ ! -x "$ROOT_DIR/bin/sh" ]; then
    debootstrap --variant=minbase bookworm "$ROOT_DIR" "$MIRROR"
fi
chroot "$ROOT_DIR" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES"
install -D -m 0755 .build/runtime-bin/thoth "$ROOT_DIR/usr/local/bin/thoth"
mkdir -p "$ROOT_DIR/opt/thoth/models" "$ROOT_DIR/workspace/notes"
cp -r models/all-MiniLM-L6-v2 "$ROOT_DIR/opt/thoth/models/"
printf '# Runtime\n\nThe runtime root runs the binary alone.\n' > "$ROOT_DIR/workspace/notes/runtime.md"
echo "runtime packages: $PACKAGES"
echo "binary needs: $(chroot "$ROOT_DIR" ldd /usr/local/bin/thoth | awk '{print $1}' | tr '\n' ' ')"

# What a container runtime provides: /proc (Swift reads the command line there) and /dev.
mountpoint -q "$ROOT_DIR/proc" || mount -t proc proc "$ROOT_DIR/proc"
mountpoint -q "$ROOT_DIR/dev" || mount --bind /dev "$ROOT_DIR/dev"
ENVIRONMENT="THOTH_WORKSPACE_DIR=/workspace THOTH_MODELS_DIR=/opt/thoth/models THOTH_API_HOST=127.0.0.1 \
THOTH_API_PORT=18800 THOTH_MCP_PORT=18801 THOTH_CHROMA_PORT=18803"
chroot "$ROOT_DIR" env $ENVIRONMENT thoth server start > "$ROOT_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; sleep 1; umount "$ROOT_DIR/proc" "$ROOT_DIR/dev" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    chroot "$ROOT_DIR" env $ENVIRONMENT thoth health --simple >/dev/null 2>&1 && break
    sleep 0.2
done
chroot "$ROOT_DIR" env $ENVIRONMENT thoth health --simple
chroot "$ROOT_DIR" env $ENVIRONMENT thoth rag index
chroot "$ROOT_DIR" env $ENVIRONMENT thoth rag search --query "runtime root binary" --k 1 | grep -q '"title":"runtime"'
chroot "$ROOT_DIR" env $ENVIRONMENT thoth health || test $? -eq 1   # degraded: no LLM key
echo "runtime root: healthy"
