#!/usr/bin/env bash
# Installs and runs the real MCP servers the interop tests talk to, behind socat TCP bridges.
#   mcp-servers.sh install                 install the tree pinned by tests/interop/package-lock.json (npm ci; skips when present)
#   mcp-servers.sh install-latest          install the newest published claude-flow, freshly resolved, for ./build.sh interop-latest
#   mcp-servers.sh start-claude-flow PORT  bridge 127.0.0.1:PORT -> `claude-flow mcp start` (stdio); prints the bridge PID
#   mcp-servers.sh start-everything PORT   bridge 127.0.0.1:PORT -> `mcp-server-everything stdio`; prints the bridge PID
#   mcp-servers.sh stop PID                stop a bridge and every server process it forked
#   mcp-servers.sh paths                   print the resolved install folders
# Every TCP connection forks its own stdio server process (socat `fork`), exactly like the original's bridge test setup.
# The pinned install lives in $VISIONFLOW_CACHE/npm/interop-<hash of the lockfile> (default cache ~/.cache/visionflow), so
# a changed lockfile installs anew and the tests always run against the tree it names. CLAUDE_FLOW_DIR points the bridge
# at another claude-flow install (a folder with node_modules/claude-flow), e.g. the one install-latest made.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${VISIONFLOW_CACHE:-$HOME/.cache/visionflow}"
LOCK_HASH="$(cat "$HERE/package-lock.json" "$HERE/package.json" | sha256sum | cut -c1-16)" # contents only: every checkout shares one install
PINNED_DIR="$CACHE/npm/interop-$LOCK_HASH"
CF_DIR="${CLAUDE_FLOW_DIR:-$PINNED_DIR}"
SE_DIR="$PINNED_DIR"
LATEST_ROOT="$CACHE/npm/claude-flow-latest"
RUN_DIR="$CACHE/run"

die() { echo "mcp-servers.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed"; }

# ci_install DIR: `npm ci` of the committed lockfile into DIR.partial, then renamed, so an interrupted install is never reused.
# --ignore-scripts: claude-flow's native deps (better-sqlite3, argon2, onnxruntime-node, agentdb) download prebuilt
# binaries in install scripts, which fails without internet; the MCP server's swarm/agent/task tools do not need them
# (verified by the probe and by the transcripts in fixtures/).
ci_install() {
  local dir="$1"
  if [[ -f "$dir/.installed" ]]; then
    echo "already installed: the lockfile's tree ($dir)"
    return 0
  fi
  need node; need npm
  local tmp="$dir.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$tmp/"
  echo "installing tests/interop/package-lock.json into $dir (npm ci) ..."
  # npm 11's ci refuses this lockfile ("Missing: @ruvector/…-darwin-arm64@ from lock file": optional packages for other
  # platforms, npm's own bug); plain install then installs the same tree from the lockfile, which locked_tree checks.
  (cd "$tmp" && { npm ci --no-audit --no-fund --loglevel=error --ignore-scripts 2>/dev/null \
      || npm install --no-audit --no-fund --loglevel=error --ignore-scripts; }) || { rm -rf "$tmp"; return 1; }
  locked_tree "$tmp" || { rm -rf "$tmp"; return 1; }
  rm -rf "$dir"
  mv "$tmp" "$dir"
  date -u +%FT%TZ > "$dir/.installed"
}

# locked_tree DIR: every package installed in DIR is at the version the committed lockfile names (none drifted).
locked_tree() {
  node -e '
    const locked = require(process.argv[1]).packages, installed = require(process.argv[2] + "/node_modules/.package-lock.json").packages;
    const drift = Object.keys(installed).filter(k => locked[k] && locked[k].version !== installed[k].version)
      .map(k => `${k} ${installed[k].version} (lockfile: ${locked[k].version})`);
    const missing = ["node_modules/claude-flow", "node_modules/@modelcontextprotocol/server-everything"].filter(k => !installed[k]);
    if (drift.length || missing.length) { console.error("not the locked tree: " + drift.concat(missing).join(", ")); process.exit(1); }
  ' "$HERE/package-lock.json" "$1"
}

# A probe that the stdio server answers `initialize` (catches installs that are present but broken).
probe() {
  local name="$1"; shift
  local reply work
  work="$(mktemp -d)"
  reply="$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"probe","version":"0"}}}' \
    | (cd "$work" && timeout 60 "$@" 2>/dev/null) | head -n 1 || true)"
  rm -rf "$work"
  [[ "$reply" == *'"serverInfo"'* ]] || return 1
}

cf_cmd() { echo "node $CF_DIR/node_modules/claude-flow/bin/cli.js mcp start"; }
se_cmd() { echo "node $SE_DIR/node_modules/@modelcontextprotocol/server-everything/dist/index.js stdio"; }

cmd_install() {
  mkdir -p "$RUN_DIR"
  ci_install "$PINNED_DIR" || die "npm ci of tests/interop/package-lock.json failed"
  # shellcheck disable=SC2046
  probe claude-flow $(cf_cmd) || die "claude-flow from the lockfile does not answer initialize over stdio ($CF_DIR)"
  echo "ok: claude-flow $(node -p "require('$CF_DIR/node_modules/claude-flow/package.json').version") answers initialize ($CF_DIR)"
  # shellcheck disable=SC2046
  probe server-everything $(se_cmd) || die "server-everything does not answer initialize over stdio"
  echo "ok: server-everything answers initialize ($SE_DIR)"
}

# The newest claude-flow with its dependency tree resolved today (what a user installing it now gets); prints its folder.
cmd_install_latest() {
  need node; need npm
  local version dir tmp
  version="$(npm view claude-flow version 2>/dev/null)" || die "npm view claude-flow version failed"
  dir="$LATEST_ROOT/$version-$(date -u +%F)"
  if [[ ! -f "$dir/.installed" ]]; then
    tmp="$dir.partial"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    echo '{"private":true}' > "$tmp/package.json"
    (cd "$tmp" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts "claude-flow@$version") >&2 || { rm -rf "$tmp"; die "installing claude-flow@$version failed"; }
    rm -rf "$dir"
    mv "$tmp" "$dir"
    date -u +%FT%TZ > "$dir/.installed"
  fi
  CF_DIR="$dir"
  # shellcheck disable=SC2046
  probe claude-flow $(cf_cmd) >&2 || die "claude-flow@$version does not answer initialize over stdio ($dir)"
  echo "$dir"
}

# start_bridge NAME PORT INSTALL_DIR COMMAND...: writes a launcher (socat's EXEC address cannot quote paths safely),
# starts socat in its own session so `stop` can end the bridge and all its forked servers as one process group.
start_bridge() {
  local name="$1" port="$2" dir="$3"; shift 3
  [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
  [[ -f "$dir/.installed" ]] || die "$name is not installed: run '$0 install' first"
  need socat; need setsid
  local work="$RUN_DIR/$name-$port"
  rm -rf "$work"
  mkdir -p "$work/cwd"
  # Each server process runs in its own working folder under $work so files it writes (state, logs) stay out of
  # the repo and a restarted bridge starts from empty state.
  cat > "$work/launch.sh" <<EOF
#!/usr/bin/env bash
cd "$work/cwd" || exit 1
exec $* 2>>"$work/server.stderr.log"
EOF
  chmod +x "$work/launch.sh"
  setsid socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "EXEC:$work/launch.sh" \
    >>"$work/socat.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$work/socat.pid"
  # Wait until the port listens (no probe connection: each connection would fork a server).
  for _ in $(seq 1 100); do
    if ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then echo "$pid"; return 0; fi
    kill -0 "$pid" 2>/dev/null || die "socat for $name exited early: $(cat "$work/socat.log")"
    sleep 0.05
  done
  kill -- "-$pid" 2>/dev/null || true
  die "$name bridge did not listen on 127.0.0.1:$port"
}

cmd_stop() {
  local pid="${1:-}"
  [[ "$pid" =~ ^[0-9]+$ ]] || die "usage: $0 stop PID"
  # The bridge was started with setsid, so its PID is its process group id: end the group (bridge + forked servers).
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || { echo "not running: $pid"; return 0; }
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || { echo "stopped: $pid"; return 0; }; sleep 0.05; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  echo "killed: $pid"
}

case "${1:-}" in
  install) cmd_install ;;
  install-latest) cmd_install_latest ;;
  # shellcheck disable=SC2046
  start-claude-flow) start_bridge claude-flow "${2:-}" "$CF_DIR" $(cf_cmd) ;;
  # shellcheck disable=SC2046
  start-everything) start_bridge everything "${2:-}" "$SE_DIR" $(se_cmd) ;;
  stop) cmd_stop "${2:-}" ;;
  paths) echo "claude-flow: $CF_DIR"; echo "server-everything: $SE_DIR"; echo "run: $RUN_DIR" ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
