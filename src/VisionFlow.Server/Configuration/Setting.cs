namespace VisionFlow.Server.Configuration;

/// <summary>
/// One configurable value as the parser, <c>--help</c>, the README table and the tests see it: its environment
/// variable, its command-line flag, its default, its accepted range and its meaning. A setting is declared once, as a
/// <see cref="Setting{T}"/> in <see cref="Settings"/>; everything here is derived from that declaration.
/// </summary>
internal abstract class Setting
{
    private protected Setting(string env, string flag, string description, string? defaultNote, bool secret, bool isSwitch)
    {
        Env = env;
        Flag = flag;
        Description = description;
        DefaultNote = defaultNote;
        Secret = secret;
        Switch = isSwitch;
    }

    /// <summary>Environment variable name.</summary>
    public string Env { get; }

    /// <summary>Command-line flag (with leading dashes).</summary>
    public string Flag { get; }

    /// <summary>What it means, in one line.</summary>
    public string Description { get; }

    /// <summary>True for keys: an invalid value is never echoed in errors or logs.</summary>
    public bool Secret { get; }

    /// <summary>
    /// True for an on/off flag that takes no value on the command line (<c>--simulator</c>; <c>--simulator=false</c>
    /// turns it off); its environment variable still takes true/false.
    /// </summary>
    public bool Switch { get; }

    /// <summary>The default written as a value the setting accepts (<c>9500</c>), or null when unset means "none".</summary>
    public abstract string? DefaultLiteral { get; }

    /// <summary>What the default means when there is no value (<c>none</c>), or a remark on the value.</summary>
    public string? DefaultNote { get; }

    /// <summary>The default as help shows it: the value, the note, or the value with the note in parentheses.</summary>
    public string Default => (DefaultLiteral, DefaultNote) switch
    {
        ({ } value, { } note) => $"{value} ({note})",
        ({ } value, null) => value,
        (null, { } note) => note,
        _ => "none",
    };

    /// <summary>Human description of the accepted range, used in errors, help and the README.</summary>
    public abstract string Accepted { get; }

    /// <summary>
    /// Values at the edges of <see cref="Accepted"/> (minimum and maximum, or every choice): a test starts the service
    /// with each, so what help accepts is known to work.
    /// </summary>
    public abstract IReadOnlyList<string> Bounds { get; }

    /// <summary>Values just outside <see cref="Accepted"/>: a test checks each is refused with a line naming the range.</summary>
    public abstract IReadOnlyList<string> Outside { get; }

    /// <summary>Parses <paramref name="raw"/> into <paramref name="options"/>, or returns null when it is out of range.</summary>
    public abstract ServerOptions? Apply(ServerOptions options, string raw);
}

/// <summary>A setting whose value is a <typeparamref name="T"/>: the one declaration of its name, default, range and meaning.</summary>
/// <param name="env">Environment variable name.</param>
/// <param name="flag">Command-line flag (with leading dashes).</param>
/// <param name="defaultValue">The value when neither the variable nor the flag is given; <see cref="ServerOptions"/> starts from it.</param>
/// <param name="range">What is accepted and how it is parsed.</param>
/// <param name="description">One-line meaning.</param>
/// <param name="set">Stores a parsed value into the options.</param>
/// <param name="defaultNote">What a null default means, or a remark on the default.</param>
/// <param name="secret">True for keys: an invalid value is never echoed.</param>
/// <param name="isSwitch">True for an on/off flag that needs no value on the command line.</param>
internal sealed class Setting<T>(
    string env,
    string flag,
    T defaultValue,
    SettingRange<T> range,
    string description,
    Func<ServerOptions, T, ServerOptions> set,
    string? defaultNote = null,
    bool secret = false,
    bool isSwitch = false)
    : Setting(env, flag, description, defaultNote, secret, isSwitch)
{
    /// <summary>The value when the setting is not given.</summary>
    public T DefaultValue { get; } = defaultValue;

    /// <summary>What is accepted and how it is parsed.</summary>
    public SettingRange<T> Range { get; } = range;

    /// <inheritdoc/>
    public override string? DefaultLiteral => Range.Format(DefaultValue);

    /// <inheritdoc/>
    public override string Accepted => Switch ? Range.Accepted + "; the flag alone means true" : Range.Accepted;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Bounds => Range.Bounds;

    /// <inheritdoc/>
    public override IReadOnlyList<string> Outside => Range.Outside;

    /// <inheritdoc/>
    public override ServerOptions? Apply(ServerOptions options, string raw) =>
        Range.TryParse(raw, out var value) ? set(options, value) : null;
}
