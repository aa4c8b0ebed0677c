using System.Text.Json;
using VisionFlow.Simulator.Model;

namespace VisionFlow.Simulator.Dialects;

/// <summary>Typed, validating reads of a request's argument object; every failure names the argument.</summary>
internal readonly struct Args(JsonElement root)
{
    private static readonly byte[] EmptyObjectJson = "{}"u8.ToArray();
    private static readonly JsonElement EmptyObject = JsonDocument.Parse(EmptyObjectJson).RootElement;

    /// <summary>Parses plain-method params; absent params are an empty object, anything but an object is rejected.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out JsonDocument document, out SimulatorError error)
    {
        error = default;
        document = null!;
        try
        {
            var trimmed = json.Trim(" \t\r\n"u8);
            document = JsonDocument.Parse(trimmed.IsEmpty || trimmed.SequenceEqual("null"u8) ? EmptyObjectJson : trimmed.ToArray());
        }
        catch (JsonException e)
        {
            error = SimulatorError.Invalid("params are not valid JSON: " + e.Message);
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null!;
            error = SimulatorError.Invalid("params must be a JSON object");
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads a request's params document: absent or <c>null</c> params are an empty object, anything but an object is
    /// rejected. The document stays the caller's to dispose.
    /// </summary>
    public static bool TryFrom(JsonDocument? parameters, out Args args, out SimulatorError error)
    {
        var root = parameters is null || parameters.RootElement.ValueKind == JsonValueKind.Null ? EmptyObject : parameters.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            args = default;
            error = SimulatorError.Invalid("params must be a JSON object");
            return false;
        }

        args = new Args(root);
        error = default;
        return true;
    }

    /// <summary>The argument object itself.</summary>
    public JsonElement Root => root;

    public bool IsObject => root.ValueKind == JsonValueKind.Object;

    public bool TryGet(string name, out JsonElement value)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Finds a member; false (with the error) only when it is required and absent or null.</summary>
    private bool TryLocate(string name, bool required, out JsonElement value, out bool found, out SimulatorError error)
    {
        error = default;
        found = TryGet(name, out value);
        if (!found && required)
        {
            error = SimulatorError.Invalid($"{name} is required");
            return false;
        }

        return true;
    }

    public bool TryGetString(string name, bool required, out string? value, out SimulatorError error)
    {
        value = null;
        if (!TryLocate(name, required, out var e, out var found, out error))
        {
            return false;
        }

        if (!found)
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.String || e.GetString() is not { Length: > 0 } s)
        {
            error = SimulatorError.Invalid($"{name} must be a non-empty string");
            return false;
        }

        value = s;
        return true;
    }

    public bool TryGetNumber(string name, bool required, double min, double max, out double? value, out SimulatorError error)
    {
        value = null;
        if (!TryLocate(name, required, out var e, out var found, out error))
        {
            return false;
        }

        if (!found)
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var d) || double.IsNaN(d))
        {
            error = SimulatorError.Invalid($"{name} must be a number");
            return false;
        }

        if (d < min || d > max)
        {
            error = SimulatorError.Invalid($"{name} must be between {min} and {max}, got {d}");
            return false;
        }

        value = d;
        return true;
    }

    public bool TryGetBool(string name, out bool? value, out SimulatorError error)
    {
        error = default;
        value = null;
        if (!TryGet(name, out var e))
        {
            return true;
        }

        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = SimulatorError.Invalid($"{name} must be a boolean");
            return false;
        }

        value = e.GetBoolean();
        return true;
    }

    public bool TryGetStringArray(string name, bool required, out string[]? value, out SimulatorError error)
    {
        value = null;
        if (!TryLocate(name, required, out var e, out var found, out error))
        {
            return false;
        }

        if (!found)
        {
            return true;
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            error = SimulatorError.Invalid($"{name} must be an array of strings");
            return false;
        }

        var result = new string[e.GetArrayLength()];
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } s)
            {
                error = SimulatorError.Invalid($"{name}[{i}] must be a non-empty string");
                return false;
            }

            result[i++] = s;
        }

        value = result;
        return true;
    }
}
