#!/usr/bin/env bash
# Installs and runs the real MCP servers the interop tests talk to, behind socat TCP bridges.
#   mcp-servers.sh install                 install pinned versions into the cache (idempotent, skips when present)
#   mcp-servers.sh start-claude-flow PORT  bridge 127.0.0.1:PORT -> `claude-flow mcp start` (stdio); prints the bridge PID
#   mcp-servers.sh start-everything PORT   bridge 127.0.0.1:PORT -> `mcp-server-everything stdio`; prints the bridge PID
#   mcp-servers.sh stop PID                stop a bridge and every server process it forked
#   mcp-servers.sh paths                   print the resolved install folders
# Every TCP connection forks its own stdio server process (socat `fork`), exactly like the original's bridge test setup.
# Environment: VISIONFLOW_CACHE (default ~/.cache/visionflow), CLAUDE_FLOW_VERSION (default 3.43.0, then the
# fallbacks in CLAUDE_FLOW_FALLBACKS if it does not install), SERVER_EVERYTHING_VERSION (default 2026.8.31).
set -euo pipefail

CACHE="${VISIONFLOW_CACHE:-$HOME/.cache/visionflow}"
CLAUDE_FLOW_VERSION="${CLAUDE_FLOW_VERSION:-3.43.0}"
CLAUDE_FLOW_FALLBACKS="${CLAUDE_FLOW_FALLBACKS:-3.42.5 3.41.2}"
SERVER_EVERYTHING_VERSION="${SERVER_EVERYTHING_VERSION:-2026.8.31}"
# The claude-flow install in use: the pinned version, else the first fallback that is installed.
CF_DIR="$CACHE/npm/claude-flow@$CLAUDE_FLOW_VERSION"
for v in $CLAUDE_FLOW_FALLBACKS; do
  [[ -f "$CF_DIR/.installed" ]] && break
  [[ -f "$CACHE/npm/claude-flow@$v/.installed" ]] && CF_DIR="$CACHE/npm/claude-flow@$v"
done
SE_DIR="$CACHE/npm/@modelcontextprotocol/server-everything@$SERVER_EVERYTHING_VERSION"
RUN_DIR="$CACHE/run"

die() { echo "mcp-servers.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed"; }

# install_pkg DIR SPEC [npm flags...]: installs into DIR.partial then renames, so an interrupted install is never reused.
install_pkg() {
  local dir="$1" spec="$2"; shift 2
  if [[ -f "$dir/.installed" ]]; then
    echo "already installed: $spec ($dir)"
    return 0
  fi
  need node; need npm
  local tmp="$dir.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  echo '{"private":true}' > "$tmp/package.json"
  echo "installing $spec into $dir ..."
  npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error "$@" "$spec" || { rm -rf "$tmp"; return 1; }
  rm -rf "$dir"
  mv "$tmp" "$dir"
  echo "$spec" > "$dir/.installed"
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
  # --ignore-scripts: claude-flow's native deps (better-sqlite3, argon2, onnxruntime-node, agentdb) download
  # prebuilt binaries in install scripts, which fails without internet; the MCP server's swarm/agent/task tools
  # do not need them (verified by the probe and by the transcripts in fixtures/).
  local v ok=""
  for v in "$CLAUDE_FLOW_VERSION" $CLAUDE_FLOW_FALLBACKS; do
    CF_DIR="$CACHE/npm/claude-flow@$v"
    # shellcheck disable=SC2046
    if install_pkg "$CF_DIR" "claude-flow@$v" --ignore-scripts && probe "claude-flow@$v" $(cf_cmd); then
      echo "ok: claude-flow@$v answers initialize ($CF_DIR)"; ok=1; break
    fi
    echo "claude-flow@$v did not install or does not answer initialize; trying the next version" >&2
    rm -rf "$CF_DIR" "$CF_DIR.partial"
  done
  [[ -n "$ok" ]] || die "no claude-flow version in '$CLAUDE_FLOW_VERSION $CLAUDE_FLOW_FALLBACKS' works here"
  install_pkg "$SE_DIR" "@modelcontextprotocol/server-everything@$SERVER_EVERYTHING_VERSION"
  # shellcheck disable=SC2046
  probe "server-everything@$SERVER_EVERYTHING_VERSION" $(se_cmd) || die "server-everything does not answer initialize over stdio"
  echo "ok: server-everything@$SERVER_EVERYTHING_VERSION answers initialize ($SE_DIR)"
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
  # shellcheck disable=SC2046
  start-claude-flow) start_bridge claude-flow "${2:-}" "$CF_DIR" $(cf_cmd) ;;
  # shellcheck disable=SC2046
  start-everything) start_bridge everything "${2:-}" "$SE_DIR" $(se_cmd) ;;
  stop) cmd_stop "${2:-}" ;;
  paths) echo "claude-flow: $CF_DIR"; echo "server-everything: $SE_DIR"; echo "run: $RUN_DIR" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
