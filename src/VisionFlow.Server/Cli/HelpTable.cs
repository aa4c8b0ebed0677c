using System.Text;

namespace VisionFlow.Server.Cli;

/// <summary>Writes rows of help text as columns aligned to the widest cell of each column.</summary>
internal static class HelpTable
{
    /// <summary>Appends <paramref name="rows"/>, each cell padded to its column's width, two spaces apart.</summary>
    public static void Append(StringBuilder sb, IReadOnlyList<string[]> rows, string indent = "  ")
    {
        var columns = rows.Max(r => r.Length);
        var widths = new int[columns];
        foreach (var row in rows)
        {
            // The last cell of a row is never padded, so only earlier cells set a column's width.
            for (var c = 0; c < row.Length - 1; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (var row in rows)
        {
            sb.Append(indent);
            for (var c = 0; c < row.Length; c++)
            {
                sb.Append(c < row.Length - 1 ? row[c].PadRight(widths[c] + 2) : row[c]);
            }

            sb.AppendLine();
        }
    }
}
