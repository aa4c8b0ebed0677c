#!/usr/bin/env python3
"""Prints what changed between two claude-flow servers: tools, their input schemas, and the agent types they accept.

Usage: tests/interop/drift.py PINNED_PORT LATEST_PORT   (two bridges from mcp-servers.sh; exit 0 either way)
The accepted types come from the server's own refusal of an agent_spawn without agentType (what the product asks too).
"""
import json, re, sys

import capture


def observe(port):
    t = capture.Transcript()
    c = capture.Conn(port, t)
    init = c.initialize()["result"]
    tools = {x["name"]: x.get("inputSchema", {}) for x in c.request(2, "tools/list", {}, timeout=120)["result"]["tools"]}
    probe = capture.Tools(c, 100).call("agent_spawn", {})
    c.close()
    text = probe.get("error", "") if isinstance(probe, dict) else ""
    at = text.find("xpected")
    types = re.findall(r'"([^"]+)"|\'([^\']+)\'', text[at:]) if at >= 0 else []
    return {
        "server": f'{init["serverInfo"].get("name")} {init["serverInfo"].get("version")}',
        "tools": tools,
        "types": [a or b for a, b in types] or None,
        "probe": probe if not text else None,
    }


def main():
    pinned, latest = observe(int(sys.argv[1])), observe(int(sys.argv[2]))
    print(f"pinned: {pinned['server']}, {len(pinned['tools'])} tools; latest: {latest['server']}, {len(latest['tools'])} tools")
    added = sorted(set(latest["tools"]) - set(pinned["tools"]))
    removed = sorted(set(pinned["tools"]) - set(latest["tools"]))
    changed = sorted(n for n in set(pinned["tools"]) & set(latest["tools"])
                     if json.dumps(pinned["tools"][n], sort_keys=True) != json.dumps(latest["tools"][n], sort_keys=True))
    print(f"tools added ({len(added)}): {', '.join(added) or '-'}")
    print(f"tools removed ({len(removed)}): {', '.join(removed) or '-'}")
    print(f"input schemas changed ({len(changed)}): {', '.join(changed) or '-'}")
    for n in changed:
        before, after = pinned["tools"][n].get("properties", {}), latest["tools"][n].get("properties", {})
        props = sorted(set(before) ^ set(after))
        retyped = sorted(p for p in set(before) & set(after) if before[p] != after[p])
        print(f"  {n}: properties added/removed {props or '-'}, changed {retyped or '-'}")
    if pinned["types"] is None or latest["types"] is None:
        print(f"accepted agent types: not learnt (pinned: {pinned['types']}, latest: {latest['types']}; an unrefused probe: {latest['probe'] or pinned['probe']})")
    else:
        gone = [x for x in pinned["types"] if x not in latest["types"]]
        new = [x for x in latest["types"] if x not in pinned["types"]]
        print(f"accepted agent types: pinned {len(pinned['types'])}, latest {len(latest['types'])}; no longer accepted: {', '.join(gone) or '-'}; newly accepted: {', '.join(new) or '-'}")


if __name__ == "__main__":
    main()
