using System.Text;

namespace VisionFlow.Testing.Fuzzing;

/// <summary>
/// Deterministic generators of hostile inputs shared by the quick fuzz tests and the long <c>./build.sh bench fuzz</c>
/// run: random bytes, truncated and mutated JSON, deep nesting, huge numbers and strings, invalid UTF-8.
/// </summary>
public static class HostileInputs
{
    private static readonly string[] Seeds =
    [
        "{\"type\":\"set_rate\",\"hz\":10}", "{\"type\":\"request_full\"}", "{\"key\":\"0123456789abcdef-test-key\"}",
        "{\"topology\":\"mesh\",\"max_agents\":8,\"agent_types\":[\"coder\",\"tester\"],\"task\":\"build\"}",
        "{\"type\":\"coder\",\"swarm_id\":\"swarm-1\"}", "{\"description\":\"x\",\"priority\":\"high\",\"agent_ids\":[\"a\"]}",
        "[]", "null", "true", "1e999", "\"\\ud800\"", "{\"a\":NaN}", "{\"hz\":-0}",
    ];

    /// <summary>Produces the next input of the sequence that <paramref name="random"/> (seeded) determines.</summary>
    public static byte[] Next(Random random)
    {
        switch (random.Next(8))
        {
            case 0:
                var bytes = new byte[random.Next(0, 256)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                var seed = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
                return seed[..random.Next(0, seed.Length + 1)];
            case 2:
                var mutated = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
                for (var i = random.Next(1, 4); i > 0 && mutated.Length > 0; i--)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }

                return mutated;
            case 3:
                var depth = random.Next(1, 200);
                return Encoding.UTF8.GetBytes(new string('[', depth) + "1" + new string(']', random.Next(0, depth + 1)));
            case 4:
                return Encoding.UTF8.GetBytes("{\"type\":\"set_rate\",\"hz\":" + new string('9', random.Next(1, 400)) + "}");
            case 5:
                return Encoding.UTF8.GetBytes("{\"key\":\"" + new string((char)random.Next(32, 127), random.Next(0, 2000)) + "\"}");
            case 6:
                return [0x7B, 0x22, 0xC3, 0x28, 0xF0, 0x9F, 0x22, 0x3A, 0x31, 0x7D]; // {"<invalid UTF-8>":1}
            default:
                var parts = new StringBuilder("{");
                for (var i = random.Next(0, 20); i > 0; i--)
                {
                    parts.Append('"').Append((char)random.Next(97, 123)).Append("\":").Append(random.Next(3) switch { 0 => "1", 1 => "\"s\"", _ => "{}" }).Append(',');
                }

                return Encoding.UTF8.GetBytes(parts.Append("\"type\":\"set_rate\"}").ToString());
        }
    }
}
