#!/usr/bin/env bash
# VisionFlow.Aot build driver. Run `./build.sh help` for the subcommands.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

SLN="VisionFlow.Aot.sln"
ARTIFACTS="$ROOT/artifacts"
SERVER_PROJECT="src/VisionFlow.Server/VisionFlow.Server.csproj"
BENCH_PROJECT="bench/VisionFlow.Bench/VisionFlow.Bench.csproj"
# A test tool (never shipped): steps the CPU physics on a fixed graph; published for arm64 so the emulated tests can
# compare its layout with the x64 one.
CROSSCHECK_PROJECT="tests/VisionFlow.Physics.CrossCheck/VisionFlow.Physics.CrossCheck.csproj"

# The machine's own runtime identifier: its binary goes to artifacts/bin/visionflow (what run, test and bench use);
# another target's to artifacts/bin-<rid>/visionflow.
case "$(uname -m)" in
  x86_64) HOST_RID="linux-x64" ;;
  aarch64) HOST_RID="linux-arm64" ;;
  *) HOST_RID="unsupported-$(uname -m)" ;;
esac
BIN="$ARTIFACTS/bin/visionflow"
ARM64_BIN="$ARTIFACTS/bin-linux-arm64/visionflow"
ARM64_CROSSCHECK_DIR="$ARTIFACTS/crosscheck-linux-arm64"

# Debian packages, by what needs them. Every subcommand installs the groups it uses (ensure_packages), so each one
# works on a fresh machine on its own.
#   build:        clang, zlib1g-dev (Native AOT compiler/linker toolchain), glslc (GLSL -> SPIR-V, embedded shaders)
#   vulkan:       the Vulkan loader, Mesa's lavapipe CPU device (tests run Vulkan on it), vulkaninfo
#   test:         socat (bridges stdio MCP servers to loopback TCP), chromium (headless viewer tests)
#   cross-arm64:  the GNU aarch64 binutils, gcc driver files and libc that clang links a linux-arm64 binary against
#   emulate-arm64: qemu's user-mode aarch64 emulator and, installed the Debian multiarch way, the arm64 libraries the
#                 binary loads (libc, OpenSSL 3: dlopen'ed by the TLS stack)
#   image:        buildah (FROM-scratch images, manifest lists), curl (smoke-run), the loader and OpenSSL copied in
PKG_BUILD=(clang zlib1g-dev glslc)
PKG_VULKAN=(libvulkan1 mesa-vulkan-drivers vulkan-tools)
PKG_TEST=(socat chromium)
PKG_CROSS_ARM64=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross)
PKG_EMULATE_ARM64=(qemu-user-static libc6:arm64 libssl3:arm64)
PKG_IMAGE=(buildah curl libvulkan1 libssl3)

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '==> %s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
Usage: ./build.sh <command> [args]

  setup            install what `test` needs: missing Debian packages (apt-get update only when needed; on x64 the
                   arm64 cross toolchain, qemu-user-static and arm64 libraries too), NuGet packages, the interop MCP
                   servers and the contract checkers redocly and promtool (cached in ~/.cache/visionflow). Every other
                   subcommand installs what it needs itself
  run [args]       build and start the service on http://127.0.0.1:8080 (args go to visionflow, e.g. --port 9000)
  test             build, publish the AOT binary (and on x64 the arm64 one), run every test, the arm64 ones under
                   emulation; ends with "N passed, N failed"
  publish [rid]    write the trimmed Native AOT single-file executable for linux-x64 (default on x64) to
                   artifacts/bin/visionflow, or for linux-arm64 (cross-compiled on x64) to artifacts/bin-linux-arm64/
  bench [suite]    run benchmarks: `startup [N] [baseline-binary]` (published binary start-up), `fuzz [N]` (long fuzz run,
                   default 1,000,000 inputs per target), `load [s] [agents]`, `chaos [restarts]`, `soak [min]`,
                   `latency [agents,…] [samples] [api-samples] [baseline-binary] [baseline-samples]` (event → /ws),
                   `attributes [agents,…] [samples] [window-s] [baseline-binary]` (status change → /ws, bytes per change),
                   `peer-cpu [s] [rounds]` (claude-flow's CPU with 10 idle agents, fixed 10 Hz poll vs adaptive),
                   `idle [s] [baseline-binary|-]` (a settled graph's cost), `cpu [s] [baseline-binary|-] [NxV[@S],…]`
                   (service CPU with N agents at 10 Hz and V /ws viewers),
                   a BenchmarkDotNet class by name (e.g. FrameEncoding --job short) or BenchmarkDotNet arguments
                   (e.g. --filter '*Frame*' --job short); no or an unknown suite prints the list and exits
  screenshot [agents] [file]
                   publish, start visionflow --simulator with 1,000 agents (or as given) and save a screenshot of the
                   viewer from headless Chromium to docs/viewer.png (or file); the README shows that picture
  screenshot claude-flow [file]
                   the same against the real Claude Flow (the interop install, started over stdio): a swarm of a
                   coder, a researcher and a tester and a task assigned to two of them, to docs/viewer-claude-flow.png
  image [lavapipe] build the FROM-scratch container images for linux/amd64 and linux/arm64 with buildah, smoke-run
                   each (arm64 under qemu) and join them in the manifest list visionflow:latest; `lavapipe` builds
                   the larger visionflow:lavapipe variant (linux/amd64) that carries Mesa's Vulkan-on-CPU driver and
                   runs the Vulkan backend
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

# Installs those of the given Debian packages that are missing (apt-get update only then). An :arm64 package on
# another kind of machine is installed the Debian multiarch way: the architecture is added to dpkg first.
ensure_packages() {
  command -v dpkg-query >/dev/null 2>&1 || die "installing $* needs a Debian-based system (dpkg-query not found)"
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} > 0)) || return 0
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "installing ${missing[*]} needs root or sudo"
    sudo="sudo"
  fi
  if [[ " ${missing[*]} " == *":arm64 "* && "$(dpkg --print-architecture)" != arm64 \
    && " $(dpkg --print-foreign-architectures | tr '\n' ' ') " != *" arm64 "* ]]; then
    say "adding the arm64 architecture to dpkg (multiarch)"
    $sudo dpkg --add-architecture arm64 || die "dpkg --add-architecture arm64 failed"
  fi
  $sudo apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# Node.js runs the interop MCP servers and the viewer's unit tests (npm claude-flow needs Node >= 20); Debian's own
# package is the fallback.
ensure_node() {
  command -v node >/dev/null 2>&1 || ensure_packages nodejs npm
}

restore() {
  say "restoring NuGet packages"
  dotnet restore "$SLN" --verbosity quiet || die "dotnet restore failed"
}

# Everything `test` needs, the arm64 cross toolchain and emulator included.
cmd_setup() {
  require_dotnet
  mkdir -p "$ARTIFACTS"
  local packages=("${PKG_BUILD[@]}" "${PKG_VULKAN[@]}" "${PKG_TEST[@]}")
  [[ "$HOST_RID" == linux-x64 ]] && packages+=("${PKG_CROSS_ARM64[@]}" "${PKG_EMULATE_ARM64[@]}")
  ensure_packages "${packages[@]}"
  ensure_node
  say "Debian packages present"
  restore
}

cmd_interop_servers() {
  ensure_node
  say "installing the interop MCP servers (npm, cached outside the repo; skipped when present)"
  mkdir -p "$ARTIFACTS"
  bash tests/interop/mcp-servers.sh install >"$ARTIFACTS/interop-install.log" 2>&1 \
    || { tail -20 "$ARTIFACTS/interop-install.log" >&2; die "installing the interop MCP servers failed (see artifacts/interop-install.log)"; }
}

# The contract checkers the tests run on what the binary serves: Redocly's OpenAPI linter (npm) and Prometheus's
# promtool, taken out of Debian's prometheus package (installing the package would also install and start a Prometheus
# server). Both go into the cache beside the interop servers; VisionFlow.Testing's ContractTools finds them there.
REDOCLY_VERSION="2.77.0"
install_contract_tools() {
  ensure_node
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

# --- publishing: one function per concern (where a target's binary goes, how it is linked, what it needs) ---------

# artifacts/bin for this machine's own target, artifacts/bin-<rid> for another.
bin_dir() {
  if [[ "$1" == "$HOST_RID" ]]; then echo "$ARTIFACTS/bin"; else echo "$ARTIFACTS/bin-$1"; fi
}

check_rid() {
  case "$1" in
    linux-x64|linux-arm64) ;;
    *) die "unknown target '$1' (linux-x64 or linux-arm64)" ;;
  esac
  [[ "$1" == "$HOST_RID" || ( "$HOST_RID" == linux-x64 && "$1" == linux-arm64 ) ]] \
    || die "publishing $1 on this $HOST_RID machine is not set up; publish it on a $1 machine"
}

# Debian packages a publish for $1 needs here.
publish_packages() {
  printf '%s\n' "${PKG_BUILD[@]}"
  [[ "$1" == "$HOST_RID" ]] || printf '%s\n' "${PKG_CROSS_ARM64[@]}"
}

# MSBuild properties for linking $1 on this machine. Cross-linking arm64 on x64: clang targets aarch64 against the
# sysroot / (Debian's cross libc lives in /usr/aarch64-linux-gnu, its gcc files in /usr/lib/gcc-cross), with GNU ld
# (the ILCompiler would pick lld, which Debian's clang does not bring) and the aarch64 objcopy for stripping.
cross_link_args() {
  [[ "$1" == "$HOST_RID" ]] && return 0
  printf '%s\n' -p:SysRoot=/ -p:LinkerFlavor=bfd -p:ObjCopyName=aarch64-linux-gnu-objcopy
}

# The ELF machine of a binary (e_machine at offset 18): 62 is x86-64, 183 AArch64.
elf_machine_is() {
  local want
  case "$2" in linux-x64) want=62 ;; linux-arm64) want=183 ;; esac
  [[ "$(od -An -tu2 -j18 -N2 "$1" | tr -d ' ')" == "$want" ]]
}

# dotnet publish of a Native AOT project for a target, into a folder.
publish_aot() {
  local project="$1" rid="$2" out="$3"
  local cross
  mapfile -t cross < <(cross_link_args "$rid")
  rm -rf "$out"
  dotnet publish "$project" -c Release -r "$rid" -o "$out" "${cross[@]}" --verbosity quiet -nologo -clp:ErrorsOnly \
    || die "publishing $project for $rid failed"
}

cmd_publish() {
  local rid="${1:-$HOST_RID}"
  check_rid "$rid"
  require_dotnet
  local packages
  mapfile -t packages < <(publish_packages "$rid")
  ensure_packages "${packages[@]}"
  local out bin
  out="$(bin_dir "$rid")" bin="$(bin_dir "$rid")/visionflow"
  say "publishing the Native AOT binary for $rid to ${out#"$ROOT"/}"
  publish_aot "$SERVER_PROJECT" "$rid" "$out"
  local files
  files="$(find "$out" -type f | wc -l)"
  [[ -x "$bin" && "$files" -eq 1 ]] || die "expected exactly one executable in $out, found: $(ls "$out")"
  elf_machine_is "$bin" "$rid" || die "$bin is not a $rid executable"
  say "${bin#"$ROOT"/} ($rid): $(du -h "$bin" | cut -f1)"
}

# A binary older than any source would measure or ship yesterday's code: republish then.
publish_if_stale() {
  local rid="${1:-$HOST_RID}" bin
  bin="$(bin_dir "$rid")/visionflow"
  if [[ ! -x "$bin" || -n "$(find src generators shaders Directory.Build.props Directory.Packages.props \( -name bin -o -name obj \) -prune -o -type f -newer "$bin" -print -quit 2>/dev/null)" ]]; then
    cmd_publish "$rid"
  fi
}

cmd_run() {
  require_dotnet
  ensure_packages "${PKG_BUILD[@]}" "${PKG_VULKAN[@]}"
  restore
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

# --- test ----------------------------------------------------------------------------------------------------------

# The arm64 side of the suite on an x64 machine: the server and the physics cross-check tool, cross-compiled; the
# tests run them under qemu (tests/VisionFlow.EndToEnd.Tests/Arm64*). On an arm64 machine the whole suite is native.
publish_arm64_test_targets() {
  [[ "$HOST_RID" == linux-x64 ]] || return 0
  cmd_publish linux-arm64
  say "publishing the physics cross-check tool for linux-arm64 (test-only)"
  publish_aot "$CROSSCHECK_PROJECT" linux-arm64 "$ARM64_CROSSCHECK_DIR"
}

# The summary adds up every runner's counts; each run_* function adds its own.
TESTS_PASSED=0
TESTS_FAILED=0
TESTS_SKIPPED=0

# Every .NET test project (Microsoft.Testing.Platform), counted from dotnet test's closing totals.
run_dotnet_tests() {
  local log="$ARTIFACTS/test.log" rc=0
  mkdir -p "$ARTIFACTS"
  VISIONFLOW_BINARY="$BIN" VISIONFLOW_ARM64_BINARY="$ARM64_BIN" VISIONFLOW_ARM64_CROSSCHECK="$ARM64_CROSSCHECK_DIR/VisionFlow.Physics.CrossCheck" \
    dotnet test --solution "$SLN" -c Release --no-build --no-progress 2>&1 | tee "$log" || rc=$?
  local total failed passed skipped
  total="$(grep -E '^\s+total: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  failed="$(grep -E '^\s+failed: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  passed="$(grep -E '^\s+succeeded: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  skipped="$(grep -E '^\s+skipped: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)"
  if [[ $rc -ne 0 && $failed -eq 0 ]]; then
    # A crashed test host reports no failed test; count it so the summary can never read green.
    echo "a test host exited with code $rc without reporting a failed test"
    failed=1
  fi
  if [[ $total -eq 0 ]]; then
    echo "no .NET tests ran"
    failed=$((failed + 1))
  fi
  TESTS_PASSED=$((TESTS_PASSED + passed))
  TESTS_FAILED=$((TESTS_FAILED + failed))
  TESTS_SKIPPED=$((TESTS_SKIPPED + skipped))
}

# The viewer's pure JavaScript (src/VisionFlow.Server/Viewer/wwwroot/js: stream decoding, formatting, failure wording,
# layout, pixels, panels' words) under Node's built-in test runner: `node --test tests/viewer/`. Sets VIEWER_JS_PASSED
# and VIEWER_JS_FAILED, and adds them to the summary's counts. A run that cannot start, crashes or reports no test counts as one
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
  TESTS_PASSED=$((TESTS_PASSED + VIEWER_JS_PASSED))
  TESTS_FAILED=$((TESTS_FAILED + VIEWER_JS_FAILED))
}

# The last line: "N passed, N failed" (", N skipped" when some skipped); the exit code says the same.
print_test_summary() {
  if [[ $TESTS_SKIPPED -gt 0 ]]; then
    echo "$TESTS_PASSED passed, $TESTS_FAILED failed, $TESTS_SKIPPED skipped"
  else
    echo "$TESTS_PASSED passed, $TESTS_FAILED failed"
  fi
  [[ $TESTS_FAILED -eq 0 ]]
}

cmd_test() {
  cmd_setup
  cmd_interop_servers
  install_contract_tools
  cmd_build
  cmd_publish "$HOST_RID"
  publish_arm64_test_targets
  say "running tests"
  run_dotnet_tests
  run_viewer_js_tests
  print_test_summary
}

# --- bench ---------------------------------------------------------------------------------------------------------

cmd_bench() {
  require_dotnet
  ensure_packages "${PKG_BUILD[@]}" "${PKG_VULKAN[@]}"
  case "${1:-}" in
    viewer|screenshot) ensure_packages chromium ;;
    peer-cpu) ensure_packages socat; cmd_interop_servers ;;
  esac
  restore
  publish_if_stale
  say "running benchmarks: ${*:-all}"
  VISIONFLOW_BINARY="$BIN" dotnet run -c Release --project "$BENCH_PROJECT" -- "$@"
}

# --- image ---------------------------------------------------------------------------------------------------------
# Image architectures by their OCI names; each maps to a runtime identifier, a Debian library folder and a loader.

arch_rid() { case "$1" in amd64) echo linux-x64 ;; arm64) echo linux-arm64 ;; esac; }
arch_triplet() { case "$1" in amd64) echo x86_64-linux-gnu ;; arm64) echo aarch64-linux-gnu ;; esac; }
arch_loader() { case "$1" in amd64) echo /lib64/ld-linux-x86-64.so.2 ;; arm64) echo /lib/ld-linux-aarch64.so.1 ;; esac; }
# On its own kind of machine a binary runs as it is; another architecture's under qemu's user-mode emulator.
arch_emulator() {
  [[ "$(arch_rid "$1")" == "$HOST_RID" ]] && return 0
  case "$1" in amd64) echo /usr/bin/qemu-x86_64-static ;; arm64) echo /usr/bin/qemu-aarch64-static ;; esac
}

# The shared libraries a binary of architecture $1 loads, as its own dynamic loader lists them (ldd's way, which
# also works for another architecture under emulation).
list_libraries() {
  local arch="$1" file="$2" emulator
  emulator="$(arch_emulator "$arch")"
  $emulator "$(arch_loader "$arch")" --list "$file" 2>/dev/null \
    | awk '/=> \// {print $3} /^[ \t]*\/[^ ]+ \(/ {print $1}' || true
}

copy_with_deps() {
  # Copies a file and, transitively, every shared library it needs, keeping their paths.
  local rootfs="$1" arch="$2" file="$3" lib
  cp -L --parents "$file" "$rootfs" 2>/dev/null || cp -L "$file" "$rootfs$file"
  for lib in $(list_libraries "$arch" "$file"); do
    [[ -e "$rootfs$lib" ]] || copy_with_deps "$rootfs" "$arch" "$lib"
  done
}

# Debian packages the image of one architecture is assembled from here (its libraries, and the emulator to
# smoke-run it when it is not this machine's).
image_packages() {
  local variant="$1" arch="$2" rid
  rid="$(arch_rid "$arch")"
  printf '%s\n' "${PKG_BUILD[@]}" "${PKG_IMAGE[@]}"
  if [[ "$rid" != "$HOST_RID" ]]; then
    printf '%s\n' "${PKG_CROSS_ARM64[@]}" "${PKG_EMULATE_ARM64[@]}" "libvulkan1:$arch" "libssl3:$arch"
  fi
  [[ "$variant" == lavapipe ]] && echo mesa-vulkan-drivers
  return 0
}

STORAGE=(--storage-driver vfs)

# Builds visionflow:<tag>-<arch> FROM scratch out of this machine's files for that architecture.
build_image() {
  local variant="$1" arch="$2" tag="$3" backend="$4"
  local rid triplet bin ctx rootfs
  rid="$(arch_rid "$arch")" triplet="$(arch_triplet "$arch")"
  bin="$(bin_dir "$rid")/visionflow"
  ctx="$ARTIFACTS/image-$variant-$arch" rootfs="$ARTIFACTS/image-$variant-$arch/rootfs"
  rm -rf "$ctx" && mkdir -p "$rootfs/usr/local/bin" "$rootfs/etc" "$rootfs/tmp"
  cp "$bin" "$rootfs/usr/local/bin/visionflow"
  copy_with_deps "$rootfs" "$arch" "$bin"
  rm -f "$rootfs$bin"
  # The Vulkan loader is dlopen'ed at run time, so the loader's list cannot see it; nor OpenSSL 3, dlopen'ed by the
  # TLS stack (https:// addresses, the healthcheck over TLS). Named under /lib as the loader names the libraries it
  # lists, so a usr-merged system's two paths to one file do not put it in the image twice.
  local lib
  for lib in libvulkan.so.1 libssl.so.3 libcrypto.so.3; do
    [[ -e "/lib/$triplet/$lib" ]] || die "/lib/$triplet/$lib not found (Debian packages libvulkan1:$arch, libssl3:$arch)"
    copy_with_deps "$rootfs" "$arch" "/lib/$triplet/$lib"
  done
  if [[ "$variant" == lavapipe ]]; then
    # Mesa's lavapipe: its ICD manifest and the driver library it names, with LLVM and the rest of its dependencies.
    local icd lvp
    icd="/usr/share/vulkan/icd.d/lvp_icd.${triplet%%-*}.json"
    [[ -e "$icd" ]] || die "Mesa's lavapipe ICD $icd not found: install mesa-vulkan-drivers:$arch"
    lvp="$(sed -n 's/.*"library_path": *"\([^"]*\)".*/\1/p' "$icd")"
    [[ -e "$lvp" ]] || die "lavapipe library $lvp named by $icd is missing"
    mkdir -p "$rootfs/usr/share/vulkan/icd.d"
    cp "$icd" "$rootfs/usr/share/vulkan/icd.d/"
    copy_with_deps "$rootfs" "$arch" "$lvp"
  fi
  echo "root:x:0:0:root:/root:/sbin/nologin" > "$rootfs/etc/passwd"
  echo "visionflow:x:10001:10001:visionflow:/tmp:/sbin/nologin" >> "$rootfs/etc/passwd"
  printf 'root:x:0:\nvisionflow:x:10001:\n' > "$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  cp Containerfile "$ctx/Containerfile"
  say "building image visionflow:$tag-$arch (buildah, FROM scratch, linux/$arch, physics backend $backend)"
  buildah "${STORAGE[@]}" bud --quiet --format docker --platform "linux/$arch" --build-arg PHYSICS_BACKEND="$backend" \
    -f "$ctx/Containerfile" -t "visionflow:$tag-$arch" "$ctx" >/dev/null || die "buildah bud failed for linux/$arch"
  local size
  size="$(buildah "${STORAGE[@]}" images --format '{{.Size}}' "visionflow:$tag-$arch" | head -n1)"
  say "image visionflow:$tag-$arch: $size (rootfs $(du -sh "$rootfs" | cut -f1))"
}

# Starts a container of visionflow:<tag>-<arch> on a free loopback port (another architecture's under emulation,
# with qemu bound into the container), waits for /api/health and runs the image's own healthcheck inside it.
smoke_image() {
  local variant="$1" arch="$2" tag="$3"
  local ctx="$ARTIFACTS/image-$variant-$arch" emulator ctr
  emulator="$(arch_emulator "$arch")"
  local mount=() prefix=()
  [[ -n "$emulator" ]] && mount=(--volume "$emulator:$emulator:ro") prefix=("$emulator")
  say "smoke-running visionflow:$tag-$arch${emulator:+ (under ${emulator##*/})}"
  ctr="$(buildah "${STORAGE[@]}" from --quiet "visionflow:$tag-$arch")"
  buildah "${STORAGE[@]}" run --isolation chroot --user 10001:10001 "${mount[@]}" \
    --env VISIONFLOW_URLS="http://127.0.0.1:0" --env ENABLE_MCP=false "$ctr" -- "${prefix[@]}" /usr/local/bin/visionflow >"$ctx/smoke.log" 2>&1 &
  local pid=$! port="" health="" i
  # Emulated start-up takes seconds; 120 s bounds a hang, it is no measure.
  for i in $(seq 1 1200); do
    port="$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$ctx/smoke.log" | head -n1 | grep -oE '[0-9]+$')" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -n "$port" ]]; then
    for i in $(seq 1 100); do
      health="$(curl -fsS "http://127.0.0.1:$port/api/health" 2>/dev/null)" && break
      sleep 0.1
    done
  fi
  if [[ "$variant" == lavapipe && -n "$health" ]]; then
    # The physics loop starts just after Kestrel: wait for it to report its backend.
    for i in $(seq 1 600); do
      grep -q '"name":"physics","state":"up"' <<<"$health" && break
      sleep 0.1
      health="$(curl -fsS "http://127.0.0.1:$port/api/health" 2>/dev/null)" || true
    done
  fi
  local rc=0
  [[ -n "$port" ]] && { buildah "${STORAGE[@]}" run --isolation chroot --user 10001:10001 "${mount[@]}" "$ctr" -- \
    "${prefix[@]}" /usr/local/bin/visionflow healthcheck --port "$port" >/dev/null 2>&1 || rc=1; }
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  buildah "${STORAGE[@]}" rm "$ctr" >/dev/null
  [[ -n "$health" ]] || { cat "$ctx/smoke.log" >&2; die "visionflow:$tag-$arch did not answer /api/health"; }
  [[ $rc -eq 0 ]] || die "visionflow healthcheck inside visionflow:$tag-$arch failed"
  say "visionflow:$tag-$arch answers /api/health: $health"
  if [[ "$variant" == lavapipe ]]; then
    # The point of this variant: Vulkan really runs inside it (no silent fall-back to the CPU path).
    grep -q 'backend=vulkan' <<<"$health" || die "visionflow:$tag-$arch did not run the Vulkan backend: $health"
    grep -q 'fallback' <<<"$health" && die "visionflow:$tag-$arch fell back to the CPU: $health"
    say "visionflow:$tag-$arch runs physics on Vulkan"
  fi
}

cmd_image() {
  local variant="${1:-minimal}" tag backend
  # The lavapipe variant is amd64 only: under emulation lavapipe's LLVM compiles and runs the shaders so slowly that
  # a step outlasts the 10 s fence wait that declares a device lost, so its smoke-run could not show Vulkan running
  # on arm64; and arm64 boxes have a GPU driver of their own (the minimal image with the host's ICD).
  local IMAGE_ARCHES
  case "$variant" in
    minimal) tag=latest; backend=auto; IMAGE_ARCHES=(amd64 arm64) ;;
    lavapipe) tag=lavapipe; backend=vulkan; IMAGE_ARCHES=(amd64) ;;
    *) die "unknown image variant '$variant' (minimal or lavapipe)" ;;
  esac
  [[ "$HOST_RID" == linux-x64 ]] || die "./build.sh image assembles both architectures on an x64 machine"
  require_dotnet
  local arch packages=()
  for arch in "${IMAGE_ARCHES[@]}"; do
    mapfile -t -O "${#packages[@]}" packages < <(image_packages "$variant" "$arch")
  done
  ensure_packages "${packages[@]}"
  for arch in "${IMAGE_ARCHES[@]}"; do
    publish_if_stale "$(arch_rid "$arch")"
  done
  for arch in "${IMAGE_ARCHES[@]}"; do
    build_image "$variant" "$arch" "$tag" "$backend"
    smoke_image "$variant" "$arch" "$tag"
  done
  buildah "${STORAGE[@]}" manifest rm "visionflow:$tag" >/dev/null 2>&1 || buildah "${STORAGE[@]}" rmi "visionflow:$tag" >/dev/null 2>&1 || true
  if ((${#IMAGE_ARCHES[@]} == 1)); then
    buildah "${STORAGE[@]}" tag "visionflow:$tag-${IMAGE_ARCHES[0]}" "visionflow:$tag" || die "tagging visionflow:$tag failed"
    buildah "${STORAGE[@]}" rmi --prune >/dev/null 2>&1 || true
    say "visionflow:$tag: linux/${IMAGE_ARCHES[0]} only"
    return 0
  fi
  # One name for both: a manifest list that a runtime resolves to its own architecture.
  say "assembling the manifest list visionflow:$tag (${IMAGE_ARCHES[*]})"
  buildah "${STORAGE[@]}" manifest create "visionflow:$tag" >/dev/null || die "buildah manifest create failed"
  for arch in "${IMAGE_ARCHES[@]}"; do
    buildah "${STORAGE[@]}" manifest add "visionflow:$tag" "containers-storage:localhost/visionflow:$tag-$arch" >/dev/null \
      || die "adding visionflow:$tag-$arch to the manifest list failed"
  done
  local platforms
  platforms="$(buildah "${STORAGE[@]}" manifest inspect "visionflow:$tag" | grep -oE '"architecture": *"[a-z0-9]+"' | grep -oE '[a-z0-9]+"$' | tr -d '"' | sort | tr '\n' ' ')"
  [[ "$platforms" == "amd64 arm64 " ]] || die "the manifest list visionflow:$tag lists '$platforms', expected amd64 and arm64"
  # Rebuilds leave the previous images untagged; vfs storage keeps a full copy of each.
  buildah "${STORAGE[@]}" rmi --prune >/dev/null 2>&1 || true
  say "visionflow:$tag: manifest list for linux/amd64 and linux/arm64 (push: buildah manifest push --all visionflow:$tag docker://REGISTRY/visionflow:TAG)"
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
  publish) shift; cmd_publish "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  image) shift; cmd_image "$@" ;;
  screenshot) shift
    if [[ "${1:-}" == "claude-flow" ]]; then cmd_interop_servers; cmd_bench screenshot claude-flow "${2:-docs/viewer-claude-flow.png}"
    else cmd_bench screenshot "${1:-1000}" "${2:-docs/viewer.png}"; fi ;;
  interop-latest) shift; cmd_interop_latest ;;
  clean) shift; cmd_clean ;;
  help|-h|--help) usage ;;
  *) usage >&2; die "unknown command '$1'" ;;
esac
