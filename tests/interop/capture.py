#!/usr/bin/env python3
"""Captures real transcripts from claude-flow and server-everything over TCP (socat bridges) into fixtures/*.jsonl.

Usage: tests/interop/capture.py [--port-base 19500] [--only NAME,...]   (run `tests/interop/mcp-servers.sh install` first)
  --only picks sections by fixture name (e.g. --only claude-flow.agents,claude-flow.tasks); the default is every one.

Each fixture line is one observed wire message:
  {"conn": 1, "dir": "c2s"|"s2c", "ms": <ms since that connection opened>, "msg": <the JSON message>}
or, for a line that is not JSON, "raw": "<the line>" instead of "msg". A line of the tools/list answer is trimmed to
the tools the product uses, and carries "trimmed": {"bytes", "toolCount", "names"} with the full tool name list.
A record {"dir": "note", "text": "..."} explains what the next lines exercise.
"""
import json, os, socket, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
SERVERS = os.path.join(HERE, "mcp-servers.sh")
KEEP_TOOLS = [
    "swarm_init", "agent_spawn", "agent_list", "agent_status", "agent_terminate", "swarm_status", "swarm_shutdown",
    "swarm_health", "task_create", "task_status", "task_assign", "task_update", "task_complete", "task_cancel",
    "task_list", "coordination_orchestrate", "system_metrics", "system_status", "system_health",
]
INIT = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "visionflow-capture", "version": "0.1.0"}}


class Transcript:
    def __init__(self):
        self.records = []
        self.conns = 0

    def note(self, text):
        self.records.append({"dir": "note", "text": text})

    def save(self, name):
        path = os.path.join(FIXTURES, name)
        with open(path, "w", encoding="utf-8") as f:
            for r in self.records:
                f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
        print(f"wrote {path} ({len(self.records)} records)")


class Conn:
    def __init__(self, port, transcript):
        transcript.conns += 1
        self.id = transcript.conns
        self.t = transcript
        self.t0 = time.monotonic()
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def ms(self):
        return round((time.monotonic() - self.t0) * 1000, 1)

    def _record(self, direction, line, trimmed=None):
        rec = {"conn": self.id, "dir": direction, "ms": self.ms()}
        try:
            rec["msg"] = json.loads(line)
        except ValueError:
            rec["raw"] = line
        if trimmed is not None:
            rec["msg"], rec["trimmed"] = trimmed(rec["msg"], len(line.encode()))
        self.t.records.append(rec)
        return rec.get("msg")

    def send_raw(self, line):
        self.sock.sendall(line.encode() + b"\n")
        self._record("c2s", line)

    def send(self, obj):
        self.send_raw(json.dumps(obj, separators=(",", ":")))

    def recv(self, timeout, trimmed=None):
        """Next line as parsed JSON (None for a non-JSON line); raises socket.timeout; returns EOF as 'EOF'."""
        self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            data = self.sock.recv(1 << 20)
            if not data:
                return "EOF"
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return self._record("s2c", line.decode("utf-8"), trimmed)

    def drain(self, timeout):
        """Records everything the server sends until it stays silent for `timeout` seconds."""
        try:
            while self.recv(timeout) != "EOF":
                pass
        except socket.timeout:
            pass

    def request(self, rid, method, params=None, timeout=60, trimmed=None):
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        while True:
            m = self.recv(timeout, trimmed)
            if m == "EOF":
                raise RuntimeError(f"EOF waiting for {rid}")
            if isinstance(m, dict) and m.get("id") == rid:
                return m

    def initialize(self, rid=1):
        r = self.request(rid, "initialize", INIT)
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return r

    def close(self):
        self.sock.close()


class Tools:
    """tools/call helper that also decodes the text content as JSON."""
    def __init__(self, conn, first_id=10):
        self.c = conn
        self.next = first_id

    def call(self, name, args):
        self.next += 1
        r = self.c.request(self.next, "tools/call", {"name": name, "arguments": args})
        try:
            return json.loads(r["result"]["content"][0]["text"])
        except (KeyError, IndexError, TypeError, ValueError):
            return r


def trim_tools(msg, nbytes):
    tools = msg["result"]["tools"]
    names = [t["name"] for t in tools]
    msg["result"]["tools"] = [t for t in tools if t["name"] in KEEP_TOOLS]
    return msg, {"bytes": nbytes, "toolCount": len(names), "names": names}


def start(kind, port):
    pid = subprocess.check_output([SERVERS, kind, str(port)], text=True).strip().splitlines()[-1]
    return pid


def stop(pid):
    subprocess.run([SERVERS, "stop", pid], check=False, stdout=subprocess.DEVNULL)


def wanted(name):
    return ONLY is None or name in ONLY


def claude_flow(port):
    pid = start("start-claude-flow", port)
    try:
        claude_flow_sections(port)
    finally:
        stop(pid)


def claude_flow_sections(port):
    if wanted("claude-flow.handshake"):
        # 1. handshake + tools/list
        t = Transcript()
        t.note("initialize (client asks 2025-06-18; server answers 2024-11-05), notifications/initialized, ping, tools/list")
        c = Conn(port, t)
        c.initialize()
        c.request(2, "ping")
        c.request(3, "tools/list", {}, trimmed=trim_tools)
        c.close()
        t.save("claude-flow.handshake.jsonl")

    if wanted("claude-flow.operations"):
        # 2. the happy path of every operation the product maps
        t = Transcript()
        t.note("happy path: swarm, agents, tasks, metrics, teardown (fresh server state)")
        c = Conn(port, t)
        c.initialize()
        tc = Tools(c)
        s = tc.call("swarm_init", {"topology": "mesh", "maxAgents": 5, "strategy": "balanced"})
        sid = s["swarmId"]
        a = tc.call("agent_spawn", {"agentType": "coder", "swarmId": sid})["agentId"]
        b = tc.call("agent_spawn", {"agentType": "researcher", "swarmId": sid})["agentId"]
        tc.call("agent_list", {})
        tc.call("agent_status", {"agentId": a})
        tc.call("swarm_status", {"swarmId": sid})
        tc.call("swarm_health", {"swarmId": sid})
        task = tc.call("task_create", {"type": "feature", "description": "Build a REST API", "priority": "high", "assignTo": [a]})["taskId"]
        tc.call("task_status", {"taskId": task})
        tc.call("task_assign", {"taskId": task, "agentIds": [a, b]})
        tc.call("agent_status", {"agentId": a})
        tc.call("task_update", {"taskId": task, "status": "in_progress", "progress": 40})
        tc.call("task_status", {"taskId": task})
        tc.call("task_complete", {"taskId": task, "result": {"summary": "done"}})
        tc.call("task_status", {"taskId": task})
        task2 = tc.call("task_create", {"type": "research", "description": "Survey options", "priority": "low"})["taskId"]
        tc.call("task_cancel", {"taskId": task2, "reason": "no longer needed"})
        tc.call("task_list", {})
        tc.call("coordination_orchestrate", {"task": "Ship it", "agents": [a, b], "strategy": "parallel"})
        tc.call("system_metrics", {})
        tc.call("system_status", {})
        tc.call("agent_terminate", {"agentId": a})
        tc.call("agent_status", {"agentId": a})
        tc.call("agent_list", {})
        tc.call("agent_list", {"includeTerminated": True})
        tc.call("swarm_shutdown", {"swarmId": sid})
        tc.call("swarm_status", {"swarmId": sid})
        c.close()
        t.save("claude-flow.operations.jsonl")

    if wanted("claude-flow.errors"):
        # 3. failures: tool-level ("success": false / "status": "not_found") and JSON-RPC-level
        t = Transcript()
        t.note("failures; state continues from claude-flow.operations.jsonl (the last swarm is terminated)")
        c = Conn(port, t)
        c.initialize()
        tc = Tools(c)
        s = tc.call("swarm_init", {"topology": "star", "maxAgents": 2, "strategy": "specialized"})
        sid = s["swarmId"]
        t.note("maxAgents is NOT enforced: the third spawn into a maxAgents=2 swarm succeeds")
        for _ in range(3):
            tc.call("agent_spawn", {"agentType": "coder", "swarmId": sid})
        t.note("unknown swarmId on agent_spawn is accepted silently")
        tc.call("agent_spawn", {"agentType": "coder", "swarmId": "swarm-does-not-exist"})
        t.note("bad arguments")
        tc.call("agent_spawn", {})
        tc.call("agent_spawn", {"agentType": 42})
        tc.call("swarm_init", {"topology": "bogus"})
        t.note("maxAgents above 50 is clamped to 50; no arguments gives hierarchical-mesh/15/specialized")
        tc.call("swarm_init", {"topology": "mesh", "maxAgents": 500})
        tc.call("swarm_init", {})
        tc.call("task_create", {"description": "no type"})
        t.note("unknown ids")
        tc.call("agent_status", {"agentId": "agent-does-not-exist"})
        tc.call("agent_status", {})
        tc.call("agent_terminate", {"agentId": "agent-does-not-exist"})
        tc.call("task_status", {"taskId": "task-does-not-exist"})
        tc.call("task_assign", {"taskId": "task-does-not-exist", "agentIds": ["agent-x"]})
        tc.call("task_cancel", {"taskId": "task-does-not-exist"})
        t.note("unknown swarmId on swarm_status / swarm_shutdown falls back to the MOST RECENT swarm (shutdown kills it!)")
        tc.call("swarm_status", {"swarmId": "swarm-does-not-exist"})
        tc.call("swarm_shutdown", {"swarmId": "swarm-does-not-exist"})
        tc.call("swarm_shutdown", {"swarmId": sid})
        t.note("tools this server does not offer, unknown methods")
        tc.call("no_such_tool", {})
        tc.call("swarm_destroy", {"swarmId": sid})
        tc.call("task_orchestrate", {"task": "x"})
        c.request(90, "no/such/method", {})
        c.request(91, "resources/list", {})
        c.request(92, "prompts/list", {})
        t.note("malformed input: not JSON, truncated JSON, array, missing jsonrpc, tools/call without name, a notification tools/call (answered WITHOUT id), string id, null id, a response sent to the server")
        c.send_raw("this is not json")
        c.send_raw('{"jsonrpc":"2.0","id":5,"method":')
        c.send_raw("[1,2,3]")
        c.send_raw('{"id":6,"method":"ping"}')
        c.send_raw('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{}}')
        c.send_raw('{"jsonrpc":"2.0","id":8,"method":"tools/call"}')
        c.send_raw('{"jsonrpc":"2.0","method":"tools/call","params":{"name":"system_status","arguments":{}}}')
        c.send_raw('{"jsonrpc":"2.0","id":"str-id-9","method":"ping"}')
        c.send_raw('{"jsonrpc":"2.0","id":null,"method":"ping"}')
        c.send_raw('{"jsonrpc":"2.0","id":10,"result":{}}')
        c.drain(3)
        c.close()
        t.save("claude-flow.errors.jsonl")

    if wanted("claude-flow.out-of-order"):
        # 4. pipelining: answers come back out of order; tools/call works without initialize
        t = Transcript()
        t.note("no initialize at all: tools/call is answered anyway")
        c = Conn(port, t)
        c.request(1, "tools/call", {"name": "swarm_status", "arguments": {}})
        t.note("five requests pipelined: ping and the unknown tool overtake the slow system_metrics (~0.7 s on first use)")
        for rid, (name, args) in enumerate([("system_metrics", {}), ("agent_list", {}), ("no_such_tool", {})], start=100):
            c.send({"jsonrpc": "2.0", "id": rid, "method": "tools/call", "params": {"name": name, "arguments": args}})
        c.send({"jsonrpc": "2.0", "id": 200, "method": "ping"})
        c.send({"jsonrpc": "2.0", "id": 201, "method": "tools/call", "params": {"name": "system_metrics", "arguments": {}}})
        t.note("then silence for 5 s: the server sends nothing unsolicited")
        c.drain(5)
        c.close()
        t.save("claude-flow.out-of-order.jsonl")

    if wanted("claude-flow.two-connections"):
        # 5. two simultaneous connections: two server processes sharing state through files in the cwd
        t = Transcript()
        t.note("two connections at once (socat forks one server process per connection); state is shared via ./.claude-flow/*.json in the working directory, ids are not unique-checked")
        a = Conn(port, t)
        b = Conn(port, t)
        a.initialize()
        b.initialize()
        ta, tb = Tools(a), Tools(b)
        ta.call("agent_spawn", {"agentType": "planner", "agentId": "agent-shared-check"})
        tb.call("agent_status", {"agentId": "agent-shared-check"})
        tb.call("agent_spawn", {"agentType": "tester", "agentId": "agent-shared-check"})
        ta.call("agent_status", {"agentId": "agent-shared-check"})
        a.close()
        b.close()
        t.save("claude-flow.two-connections.jsonl")

    if wanted("claude-flow.connect-timing"):
        # 6. per-connection start cost
        t = Transcript()
        t.note("five fresh connections: time from connect to the initialize answer = one server process start")
        for _ in range(5):
            c = Conn(port, t)
            c.request(1, "initialize", INIT)
            c.close()
            time.sleep(0.3)
        t.save("claude-flow.connect-timing.jsonl")


def installed_versions():
    """The claude-flow the bridge runs, and the validator package whose list of agent types can change under it."""
    out = subprocess.check_output([SERVERS, "paths"], text=True)
    cf_dir = next(l.split(": ", 1)[1] for l in out.splitlines() if l.startswith("claude-flow:"))
    versions = {}
    for name in ("claude-flow", "@claude-flow/security", "@claude-flow/cli"):
        for root in (os.path.join(cf_dir, "node_modules"), os.path.join(cf_dir, "node_modules", "claude-flow", "node_modules")):
            try:
                with open(os.path.join(root, name, "package.json"), encoding="utf-8") as f:
                    versions[name] = json.load(f)["version"]
                break
            except OSError:
                continue
    return versions


def claude_flow_structure(port):
    """Agents, swarms and tasks as Claude Flow reports them, on a fresh server state (its own bridge)."""
    pid = start("start-claude-flow", port)
    versions = json.dumps(installed_versions(), sort_keys=True)
    try:
        if wanted("claude-flow.agents"):
            t = Transcript()
            t.note(f"agents and swarms on a fresh server ({versions}): swarm_status before any swarm, swarm_init, agent_spawn answers (default model, explicit model, a task), agent_list with several agents, agent_status, swarm_status")
            c = Conn(port, t)
            c.initialize()
            tc = Tools(c)
            tc.call("swarm_status", {})
            sid = tc.call("swarm_init", {"topology": "mesh", "maxAgents": 6, "strategy": "balanced"})["swarmId"]
            tc.call("swarm_status", {})
            a = tc.call("agent_spawn", {"agentType": "coder", "swarmId": sid})["agentId"]
            tc.call("agent_spawn", {"agentType": "researcher", "swarmId": sid, "model": "haiku"})
            tc.call("agent_spawn", {"agentType": "tester", "swarmId": sid, "model": "opus"})
            tc.call("agent_spawn", {"agentType": "reviewer", "swarmId": sid, "task": "Review the REST API"})
            tc.call("agent_list", {})
            tc.call("agent_status", {"agentId": a})
            tc.call("swarm_status", {"swarmId": sid})
            c.close()
            t.save("claude-flow.agents.jsonl")

        if wanted("claude-flow.tasks"):
            t = Transcript()
            t.note(f"tasks, continuing claude-flow.agents.jsonl's state ({versions}): task_list, task_create (assigned and not), task_assign, task_status, task_summary, task_list filtered, agent_list after the assignment")
            c = Conn(port, t)
            c.initialize()
            tc = Tools(c)
            agents = [x["agentId"] for x in tc.call("agent_list", {})["agents"]]
            tc.call("task_list", {})
            t1 = tc.call("task_create", {"type": "feature", "description": "Build a REST API", "priority": "high", "assignTo": [agents[0]]})["taskId"]
            t2 = tc.call("task_create", {"type": "research", "description": "Survey the options", "priority": "low"})["taskId"]
            tc.call("task_list", {})
            tc.call("task_assign", {"taskId": t2, "agentIds": agents[1:3]})
            tc.call("task_status", {"taskId": t2})
            tc.call("task_status", {"taskId": t1})
            tc.call("task_summary", {})
            tc.call("task_list", {"status": "in_progress"})
            tc.call("agent_list", {})
            c.close()
            t.save("claude-flow.tasks.jsonl")

        if wanted("claude-flow.refusals"):
            t = Transcript()
            t.note(f"refusals ({versions}): an agent type the server rejects, agent_spawn without agentType (the product's vocabulary probe), then a multi-step initialize that fails half way and is rolled back by hand (swarm_init, a valid spawn, a rejected spawn, agent_terminate, swarm_shutdown, agent_list)")
            c = Conn(port, t)
            c.initialize()
            tc = Tools(c)
            tc.call("agent_spawn", {"agentType": "coordinator"})
            tc.call("agent_spawn", {})
            before = [x["agentId"] for x in tc.call("agent_list", {})["agents"]]
            sid = tc.call("swarm_init", {"topology": "mesh", "maxAgents": 2})["swarmId"]
            coder = tc.call("agent_spawn", {"agentType": "coder", "swarmId": sid})["agentId"]
            tc.call("agent_spawn", {"agentType": "coordinator", "swarmId": sid})
            tc.call("agent_terminate", {"agentId": coder})
            tc.call("swarm_shutdown", {"swarmId": sid})
            after = [x["agentId"] for x in tc.call("agent_list", {})["agents"]]
            t.note(f"agents before the initialize: {len(before)}, after its rollback: {len(after)} (the same ids: {before == after})")
            tc.call("swarm_status", {"swarmId": sid})
            c.close()
            t.save("claude-flow.refusals.jsonl")

        if wanted("claude-flow.trace-context"):
            t = Transcript()
            t.note(f"W3C trace context in params._meta (OpenTelemetry's MCP conventions) on ping and tools/call: answered as without it ({versions})")
            c = Conn(port, t)
            c.initialize()
            meta = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate": "vendor=opaque"}
            c.request(2, "ping", {"_meta": meta})
            c.request(3, "tools/call", {"name": "agent_list", "arguments": {}, "_meta": meta})
            c.request(4, "tools/call", {"name": "swarm_status", "arguments": {}, "_meta": meta})
            c.close()
            t.save("claude-flow.trace-context.jsonl")
    finally:
        stop(pid)


def everything(port):
    pid = start("start-everything", port)
    try:
        t = Transcript()
        t.note("server-everything: initialize (echoes the client's protocolVersion), tools/list, calls, failures (isError results), unknown method")
        c = Conn(port, t)
        c.initialize()
        c.request(2, "ping")
        c.request(3, "tools/list", {})
        c.request(10, "tools/call", {"name": "echo", "arguments": {"message": "hello"}})
        c.request(11, "tools/call", {"name": "get-sum", "arguments": {"a": 2, "b": 3}})
        c.request(12, "tools/call", {"name": "echo", "arguments": {}})
        c.request(13, "tools/call", {"name": "no_such_tool", "arguments": {}})
        c.request(14, "no/such/method", {})
        c.send_raw("this is not json")
        c.drain(3)
        c.close()
        t.save("server-everything.session.jsonl")
    finally:
        stop(pid)


ONLY = None

if __name__ == "__main__":
    base = int(sys.argv[sys.argv.index("--port-base") + 1]) if "--port-base" in sys.argv else 19500
    if "--only" in sys.argv:
        ONLY = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    os.makedirs(FIXTURES, exist_ok=True)
    claude_flow(base)
    claude_flow_structure(base + 2)
    if wanted("server-everything.session"):
        everything(base + 1)
