using LibvirtRemote.Fuzz.Targets;

namespace LibvirtRemote.Fuzz;

/// <summary>The named targets.</summary>
public static class FuzzTargets
{
    /// <summary>Every target name, in the order "all" runs them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["frame", "decode", "sasl", "sasl-server", "sasldb", "uri", "conf", "server"];

    /// <summary>Creates a target by name.</summary>
    public static IFuzzTarget Create(string name) => name switch
    {
        "frame" => new FrameTarget(),
        "decode" => new DecoderTarget(),
        "sasl" => new SaslTarget(),
        "sasl-server" => new SaslServerTarget(),
        "sasldb" => new SaslDatabaseTarget(),
        "uri" => new UriTarget(),
        "conf" => new ConfTarget(),
        "server" => new ServerTarget(),
        _ => throw new ArgumentException($"Unknown target '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
    };
}
