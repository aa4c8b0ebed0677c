#!/usr/bin/env bash
# VisionFlow.Aot build driver. Run `./build.sh help` for the subcommands.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

SLN="VisionFlow.Aot.sln"
RID="linux-x64"
ARTIFACTS="$ROOT/artifacts"
BIN="$ARTIFACTS/bin/visionflow"
SERVER_PROJECT="src/VisionFlow.Server/VisionFlow.Server.csproj"
BENCH_PROJECT="bench/VisionFlow.Bench/VisionFlow.Bench.csproj"

# Debian packages the product and its tests need:
#   clang, zlib1g-dev           Native AOT compiler/linker toolchain
#   libvulkan1, mesa-vulkan-drivers, vulkan-tools
#                               Vulkan loader, Mesa's lavapipe CPU device, vulkaninfo
#   glslc                       GLSL -> SPIR-V shader compiler used by the build
#   socat                       bridges stdio MCP servers to loopback TCP in interop tests
#   chromium                    headless browser for the viewer tests
APT_PACKAGES=(clang zlib1g-dev libvulkan1 mesa-vulkan-drivers vulkan-tools glslc socat chromium)

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
Usage: ./build.sh <command> [args]

  setup            install missing Debian packages (apt-get update only when needed), restore NuGet packages,
                   install the interop MCP servers and the contract checkers redocly and promtool (cached in
                   ~/.cache/visionflow)
  run [args]       build and start the service on http://127.0.0.1:8080 (args go to visionflow, e.g. --port 9000)
  test             build, publish the AOT binary, run every test; ends with "N passed, N failed"
  publish          write the trimmed Native AOT single-file executable to artifacts/bin/visionflow
  bench [suite]    run benchmarks: `startup [N]` (published binary start-up), `fuzz [N]` (long fuzz run,
                   default 1,000,000 inputs per target), `load [s] [agents]`, `chaos [restarts]`, `soak [min]`,
                   `latency [agents,…] [samples] [api-samples] [baseline-binary] [baseline-samples]` (event → /ws),
                   `peer-cpu [s] [rounds]` (claude-flow's CPU with 10 idle agents, fixed 10 Hz poll vs adaptive),
                   a BenchmarkDotNet class by name (e.g. FrameEncoding --job short) or BenchmarkDotNet arguments
                   (e.g. --filter '*Frame*' --job short); no or an unknown suite prints the list and exits
  screenshot [agents] [file]
                   publish, start visionflow --simulator with 1,000 agents (or as given) and save a screenshot of the
                   viewer from headless Chromium to docs/viewer.png (or file); the README shows that picture
  image [lavapipe] build the FROM-scratch container image with buildah and smoke-run it; `lavapipe` builds the larger
                   visionflow:lavapipe variant that carries Mesa's Vulkan-on-CPU driver and runs the Vulkan backend
  interop-latest   run the interop suite against the newest published claude-flow (freshly resolved) and print what
                   changed against the lockfile's (tools, input schemas, accepted agent types)
  clean            remove build output
  help             this text
EOF
}

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is required (dotnet not on PATH); install it, then re-run"
  local v
  v="$(dotnet --version 2>/dev/null || true)"
  [[ "$v" == 10.* ]] || die "the .NET 10 SDK is required; found '${v:-none}'"
}

missing_packages() {
  local p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || printf '%s\n' "$p"
  done
}

cmd_setup() {
  require_dotnet
  mkdir -p "$ARTIFACTS"
  command -v dpkg-query >/dev/null 2>&1 || die "setup needs a Debian-based system (dpkg-query not found)"
  local missing
  mapfile -t missing < <(missing_packages)
  # Node.js runs the interop MCP servers (npm claude-flow needs Node >= 20); Debian's own package is the fallback.
  command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
  if ((${#missing[@]} > 0)); then
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    if [[ $(id -u) -ne 0 ]]; then
      command -v sudo >/dev/null 2>&1 || die "installing ${missing[*]} needs root or sudo"
      sudo="sudo"
    fi
    $sudo apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  else
    say "Debian packages present"
  fi
  say "restoring NuGet packages"
  dotnet restore "$SLN" --verbosity quiet || die "dotnet restore failed"
}

cmd_interop_servers() {
  say "installing the interop MCP servers (npm, cached outside the repo; skipped when present)"
  bash tests/interop/mcp-servers.sh install >"$ARTIFACTS/interop-install.log" 2>&1 \
    || { tail -20 "$ARTIFACTS/interop-install.log" >&2; die "installing the interop MCP servers failed (see artifacts/interop-install.log)"; }
}

# The contract checkers the tests run on what the binary serves: Redocly's OpenAPI linter (npm) and Prometheus's
# promtool, taken out of Debian's prometheus package (installing the package would also install and start a Prometheus
# server). Both go into the cache beside the interop servers; VisionFlow.Testing's ContractTools finds them there.
REDOCLY_VERSION="2.77.0"
install_contract_tools() {
  local tools="${VISIONFLOW_CACHE:-$HOME/.cache/visionflow}/tools"
  local redocly="$tools/redocly@$REDOCLY_VERSION"
  mkdir -p "$tools"
  if [[ ! -f "$redocly/.installed" ]]; then
    say "installing @redocly/cli@$REDOCLY_VERSION (npm, into $redocly)"
    rm -rf "$redocly.partial" && mkdir -p "$redocly.partial" && echo '{"private":true}' >"$redocly.partial/package.json"
    npm install --prefix "$redocly.partial" --no-audit --no-fund --loglevel=error "@redocly/cli@$REDOCLY_VERSION" >/dev/null \
      || die "npm install @redocly/cli@$REDOCLY_VERSION failed"
    rm -rf "$redocly" && mv "$redocly.partial" "$redocly" && touch "$redocly/.installed"
  fi
  if [[ ! -x "$tools/promtool" ]]; then
    say "installing promtool (from Debian's prometheus package, without the server)"
    local work
    work="$(mktemp -d)"
    chmod 755 "$work" # apt-get download fetches as the _apt user where it can
    (cd "$work" && apt-get download prometheus >/dev/null 2>&1) \
      || { apt-get update -qq && (cd "$work" && apt-get download prometheus >/dev/null 2>&1); } \
      || die "apt-get download prometheus failed"
    dpkg-deb -x "$work"/prometheus_*.deb "$work/root" && install -m 755 "$work/root/usr/bin/promtool" "$tools/promtool" \
      || die "could not take promtool out of the prometheus package"
    rm -rf "$work"
  fi
}

cmd_build() {
  say "building $SLN (Release)"
  dotnet build "$SLN" -c Release --no-restore --verbosity quiet -nologo -clp:ErrorsOnly || die "build failed"
}

cmd_publish() {
  require_dotnet
  say "publishing Native AOT binary to artifacts/bin"
  rm -rf "$ARTIFACTS/bin"
  dotnet publish "$SERVER_PROJECT" -c Release -r "$RID" -o "$ARTIFACTS/bin" --verbosity quiet -nologo -clp:ErrorsOnly \
    || die "publish failed"
  local files
  files="$(find "$ARTIFACTS/bin" -type f | wc -l)"
  [[ -x "$BIN" && "$files" -eq 1 ]] || die "expected exactly one executable in artifacts/bin, found: $(ls "$ARTIFACTS/bin")"
  say "artifacts/bin/visionflow: $(du -h "$BIN" | cut -f1)"
}

# A binary older than any source would measure or ship yesterday's code: republish then.
publish_if_stale() {
  if [[ ! -x "$BIN" || -n "$(find src generators shaders Directory.Build.props Directory.Packages.props \( -name bin -o -name obj \) -prune -o -type f -newer "$BIN" -print -quit 2>/dev/null)" ]]; then
    cmd_publish
  fi
}

cmd_run() {
  cmd_setup
  cmd_build
  local exe="src/VisionFlow.Server/bin/Release/net10.0/visionflow"
  [[ -x "$exe" ]] || die "build did not produce $exe"
  local host="${CLAUDE_FLOW_HOST:-claude-flow-mcp}" port="${MCP_TCP_PORT:-9500}"
  if [[ "${ENABLE_MCP:-true}" =~ ^(true|1|yes|on)$ ]] && ! timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null; then
    # No MCP server answers: the binary runs its built-in simulator in-process (all its data is labelled simulated);
    # VISIONFLOW_SIMULATOR_AGENTS (default 12) sets how many agents it starts with.
    say "no MCP server at $host:$port; starting visionflow --simulator $* (viewer: http://127.0.0.1:${PORT:-8080}/)"
    exec "$exe" --simulator "$@"
  fi
  say "starting visionflow $* (MCP: $host:$port; viewer: http://127.0.0.1:${PORT:-8080}/)"
  exec "$exe" "$@"
}

# The viewer's pure JavaScript (src/VisionFlow.Server/Viewer/wwwroot/js: stream decoding, formatting, failure wording,
# layout, pixels, panels' words) under Node's built-in test runner: `node --test tests/viewer/`. Sets VIEWER_JS_PASSED
# and VIEWER_JS_FAILED for cmd_test's summary line. A run that cannot start, crashes or reports no test counts as one
# failure, so the summary never reads green without them.
run_viewer_js_tests() {
  local tap="$ARTIFACTS/viewer-js.tap" rc=0 cancelled
  VIEWER_JS_PASSED=0
  VIEWER_JS_FAILED=0
  say "running the viewer's JavaScript unit tests (node --test tests/viewer/)"
  if ! command -v node >/dev/null 2>&1; then
    echo "node not found: the viewer's JavaScript tests did not run"
    VIEWER_JS_FAILED=1
    return 0
  fi
  rm -f "$tap"
  node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" tests/viewer/ || rc=$?
  VIEWER_JS_PASSED="$(grep -E '^# pass [0-9]+' "$tap" 2>/dev/null | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  VIEWER_JS_FAILED="$(grep -E '^# fail [0-9]+' "$tap" 2>/dev/null | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  cancelled="$(grep -E '^# cancelled [0-9]+' "$tap" 2>/dev/null | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  VIEWER_JS_FAILED=$((VIEWER_JS_FAILED + cancelled))
  if [[ $VIEWER_JS_PASSED -eq 0 || ($rc -ne 0 && $VIEWER_JS_FAILED -eq 0) ]]; then
    echo "node --test exited with code $rc after $VIEWER_JS_PASSED passed tests and no reported failure"
    VIEWER_JS_FAILED=$((VIEWER_JS_FAILED + 1))
  fi
  echo "viewer JavaScript: $VIEWER_JS_PASSED passed, $VIEWER_JS_FAILED failed"
}

cmd_test() {
  cmd_setup
  cmd_interop_servers
  install_contract_tools
  cmd_build
  cmd_publish
  say "running tests"
  local log="$ARTIFACTS/test.log" rc=0
  mkdir -p "$ARTIFACTS"
  VISIONFLOW_BINARY="$BIN" dotnet test --solution "$SLN" -c Release --no-build --no-progress 2>&1 | tee "$log" || rc=$?
  local total failed passed skipped
  total="$(grep -E '^\s+total: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  failed="$(grep -E '^\s+failed: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  passed="$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  skipped="$(grep -E '^\s+skipped: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  run_viewer_js_tests
  passed=$((passed + VIEWER_JS_PASSED)) failed=$((failed + VIEWER_JS_FAILED)) total=$((total + VIEWER_JS_PASSED + VIEWER_JS_FAILED))
  if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    # A crashed test host reports no failed test; count it so the summary can never read green.
    echo "a test host exited with code $rc without reporting a failed test"
    failed=1
  fi
  if [[ $total -eq 0 ]]; then
    echo "no tests ran"
    failed=$((failed + 1))
  fi
  if [[ $skipped -gt 0 ]]; then
    echo "$passed passed, $failed failed, $skipped skipped"
  else
    echo "$passed passed, $failed failed"
  fi
  [[ $failed -eq 0 && $rc -eq 0 ]]
}

cmd_bench() {
  cmd_setup
  publish_if_stale
  say "running benchmarks: ${*:-all}"
  VISIONFLOW_BINARY="$BIN" dotnet run -c Release --project "$BENCH_PROJECT" -- "$@"
}

copy_with_deps() {
  # Copies a file and, transitively, every shared library ldd says it needs, keeping their paths.
  local rootfs="$1" file="$2" lib
  cp -L --parents "$file" "$rootfs" 2>/dev/null || cp -L "$file" "$rootfs$file"
  for lib in $(ldd "$file" 2>/dev/null | awk '/=> \// {print $3} /^[ \t]*\/[^ ]+ \(/ {print $1}'); do
    [[ -e "$rootfs$lib" ]] || copy_with_deps "$rootfs" "$lib"
  done
}

cmd_image() {
  local variant="${1:-minimal}" tag backend
  case "$variant" in
    minimal) tag=latest; backend=auto ;;
    lavapipe) tag=lavapipe; backend=vulkan ;;
    *) die "unknown image variant '$variant' (minimal or lavapipe)" ;;
  esac
  require_dotnet
  command -v buildah >/dev/null 2>&1 || {
    say "installing buildah"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends buildah >/dev/null || die "installing buildah failed (needs root)"
  }
  publish_if_stale
  local ctx="$ARTIFACTS/image-$variant" rootfs="$ARTIFACTS/image-$variant/rootfs"
  rm -rf "$ctx" && mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc" "$rootfs/tmp"
  cp "$BIN" "$rootfs/usr/local/bin/visionflow"
  copy_with_deps "$rootfs" "$BIN"
  rm -f "$rootfs$BIN"
  # The Vulkan loader is dlopen'ed at run time, so ldd of the binary cannot see it.
  local vulkan
  vulkan="$(ldconfig -p | awk '/libvulkan.so.1 .*x86-64/ {print $NF; exit}')"
  [[ -n "$vulkan" ]] || die "libvulkan.so.1 not found: install the Debian package libvulkan1 (./build.sh setup does)"
  copy_with_deps "$rootfs" "$vulkan"
  # OpenSSL is dlopen'ed too, by the TLS stack (https:// addresses, the healthcheck over TLS).
  local lib
  for lib in libssl.so.3 libcrypto.so.3; do
    lib="$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}')"
    [[ -n "$lib" ]] || die "OpenSSL 3 not found: install the Debian package libssl3"
    copy_with_deps "$rootfs" "$lib"
  done
  if [[ "$variant" == lavapipe ]]; then
    # Mesa's lavapipe: its ICD manifest and the driver library it names, with LLVM and the rest of its dependencies.
    local icd lvp
    icd="$(ls /usr/share/vulkan/icd.d/lvp_icd.*x86_64*.json 2>/dev/null | head -n1)"
    [[ -n "$icd" ]] || die "Mesa's lavapipe ICD not found: install the Debian package mesa-vulkan-drivers (./build.sh setup does)"
    lvp="$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$icd")"
    [[ -e "$lvp" ]] || die "lavapipe library $lvp named by $icd is missing"
    mkdir -p "$rootfs/usr/share/vulkan/icd.d"
    cp "$icd" "$rootfs/usr/share/vulkan/icd.d/"
    copy_with_deps "$rootfs" "$lvp"
  fi
  echo "root:x:0:0:root:/root:/sbin/nologin" > "$rootfs/etc/passwd"
  echo "visionflow:x:10001:10001:visionflow:/tmp:/sbin/nologin" >> "$rootfs/etc/passwd"
  printf 'root:x:0:\nvisionflow:x:10001:\n' > "$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  cp Containerfile "$ctx/Containerfile"
  local storage=(--storage-driver vfs)
  say "building image visionflow:$tag (buildah, FROM scratch, physics backend $backend)"
  buildah "${storage[@]}" bud --quiet --format docker --build-arg PHYSICS_BACKEND="$backend" -f "$ctx/Containerfile" -t "visionflow:$tag" "$ctx" >/dev/null \
    || die "buildah bud failed"
  # Rebuilds leave the previous image untagged; vfs storage keeps a full copy of each.
  buildah "${storage[@]}" rmi --prune >/dev/null 2>&1 || true
  local size
  size="$(buildah "${storage[@]}" images --format '{{.Size}}' "visionflow:$tag" | head -n1)"
  say "image visionflow:$tag: $size (rootfs $(du -sh "$rootfs" | cut -f1))"

  say "smoke-running the image"
  local ctr port=18099 rc=0
  ctr="$(buildah "${storage[@]}" from "visionflow:$tag")"
  buildah "${storage[@]}" run --isolation chroot --user 10001:10001 \
    --env VISIONFLOW_URLS="http://127.0.0.1:$port" --env ENABLE_MCP=false "$ctr" -- /usr/local/bin/visionflow >"$ctx/smoke.log" 2>&1 &
  local pid=$! health=""
  for _ in $(seq 1 100); do
    health="$(curl -fsS "http://127.0.0.1:$port/api/health" 2>/dev/null)" && break
    sleep 0.1
  done
  if [[ "$variant" == lavapipe && -n "$health" ]]; then
    # The physics loop starts just after Kestrel: wait for it to report its backend.
    for _ in $(seq 1 150); do
      grep -q '"name":"physics","state":"up"' <<<"$health" && break
      sleep 0.1
      health="$(curl -fsS "http://127.0.0.1:$port/api/health" 2>/dev/null)" || true
    done
  fi
  buildah "${storage[@]}" run --isolation chroot --user 10001:10001 "$ctr" -- /usr/local/bin/visionflow healthcheck --port "$port" >/dev/null 2>&1 || rc=1
  kill "$pid" 2>/dev/null; pkill -f "visionflow.*$port" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  buildah "${storage[@]}" rm "$ctr" >/dev/null
  [[ -n "$health" ]] || { cat "$ctx/smoke.log" >&2; die "the image did not answer /api/health"; }
  [[ $rc -eq 0 ]] || die "visionflow healthcheck inside the image failed"
  say "image answers /api/health: $health"
  if [[ "$variant" == lavapipe ]]; then
    # The point of this variant: Vulkan really runs inside it (no silent fall-back to the CPU path).
    grep -q 'backend=vulkan' <<<"$health" || die "the lavapipe image did not run the Vulkan backend: $health"
    grep -q 'fallback' <<<"$health" && die "the lavapipe image fell back to the CPU: $health"
    say "the lavapipe image runs physics on Vulkan"
  fi
}

# The interop suite against the newest claude-flow, and what changed against the pinned one: drift the lockfile hides.
cmd_interop_latest() {
  cmd_setup
  cmd_interop_servers
  local latest pinned_pid latest_pid base=$((20000 + RANDOM % 20000)) rc=0
  latest="$(bash tests/interop/mcp-servers.sh install-latest)" || die "installing the newest claude-flow failed"
  say "newest claude-flow: $(node -p "require('$latest/node_modules/claude-flow/package.json').version") ($latest)"
  pinned_pid="$(bash tests/interop/mcp-servers.sh start-claude-flow "$base")"
  latest_pid="$(CLAUDE_FLOW_DIR="$latest" bash tests/interop/mcp-servers.sh start-claude-flow "$((base + 1))")"
  say "what changed against the lockfile's claude-flow"
  python3 tests/interop/drift.py "$base" "$((base + 1))" || rc=$?
  bash tests/interop/mcp-servers.sh stop "$pinned_pid" >/dev/null
  bash tests/interop/mcp-servers.sh stop "$latest_pid" >/dev/null
  [[ $rc -eq 0 ]] || die "could not compare the two servers"
  cmd_build
  say "interop suite against the newest claude-flow"
  CLAUDE_FLOW_DIR="$latest" dotnet test --project tests/VisionFlow.Interop.Tests -c Release --no-build --no-progress
}

cmd_clean() {
  rm -rf "$ARTIFACTS" TestResults
  find src tests bench generators -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
}

case "${1:-help}" in
  setup) shift; cmd_setup "$@"; cmd_interop_servers; install_contract_tools ;;
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  publish) shift; require_dotnet; cmd_publish "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  image) shift; cmd_image "$@" ;;
  screenshot) shift; cmd_bench screenshot "${1:-1000}" "${2:-docs/viewer.png}" ;;
  interop-latest) shift; cmd_interop_latest ;;
  clean) shift; cmd_clean ;;
  help|-h|--help) usage ;;
  *) usage >&2; die "unknown command '$1'" ;;
esac
