using System.Text;

namespace VisionFlow.Agents.Tests;

/// <summary>Builds telemetry lines and agent lists as the server would send them.</summary>
internal static class Wire
{
    public static byte[] Spawned(string id, string type = "coder") =>
        Bytes($$$"""{"type":"agent.spawned","data":{"agent_id":"{{{id}}}","type":"{{{type}}}","status":"active"},"timestamp":"2024-01-01T12:00:00Z"}""");

    public static byte[] Status(string id, double cpu, string status = "active") =>
        Bytes($$$"""{"type":"agent.status","data":{"agent_id":"{{{id}}}","status":"{{{status}}}","cpu_usage":{{{cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}""");

    public static byte[] Terminated(string id) => Bytes($$$"""{"type":"agent.terminated","data":{"agent_id":"{{{id}}}"}}""");

    public static byte[] Flow(string from, string to) => Bytes($$$"""{"type":"message.flow","data":{"from":"{{{from}}}","to":"{{{to}}}","message_type":"task","size":100}}""");

    public static byte[] List(params (string Id, string Type, string Status, double Cpu)[] agents)
    {
        var sb = new StringBuilder("""{"success":true,"agents":[""");
        for (var i = 0; i < agents.Length; i++)
        {
            if (i > 0) sb.Append(',');
            var (id, type, status, cpu) = agents[i];
            sb.Append(System.Globalization.CultureInfo.InvariantCulture,
                $$$"""{"agentId":"{{{id}}}","agentType":"{{{type}}}","status":"{{{status}}}","cpuUsage":{{{cpu}}}}""");
        }

        return Bytes(sb.Append("]}").ToString());
    }

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
