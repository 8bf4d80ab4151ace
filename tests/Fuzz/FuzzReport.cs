namespace LibvirtRemote.Fuzz;

/// <summary>What one target's run did.</summary>
public sealed class FuzzReport
{
    /// <summary>Target name.</summary>
    public required string Target { get; init; }

    /// <summary>Inputs run.</summary>
    public long Inputs { get; set; }

    /// <summary>Inputs the target accepted.</summary>
    public long Accepted { get; set; }

    /// <summary>Inputs rejected with a documented exception.</summary>
    public long Rejected { get; set; }

    /// <summary>Wall time.</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>Largest allocation seen for one input divided by its length (inputs of 64 bytes or more).</summary>
    public double MaxAllocationRatio { get; set; }

    /// <summary>Slowest input.</summary>
    public TimeSpan Slowest { get; set; }

    /// <summary>Failures (bugs), with the file each input was written to.</summary>
    public List<FuzzFailure> Failures { get; } = [];

    /// <summary>Inputs per second.</summary>
    public double Rate => Elapsed.TotalSeconds > 0 ? Inputs / Elapsed.TotalSeconds : 0;

    /// <inheritdoc/>
    public override string ToString()
        => $"{Target}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s ({Rate:N0}/s), accepted {Accepted:N0}, rejected {Rejected:N0}, "
            + $"failures {Failures.Count}, max alloc/input {MaxAllocationRatio:F1}x, slowest {Slowest.TotalMilliseconds:F0} ms";
}

/// <summary>One failing input.</summary>
/// <param name="Kind">crash (unexpected exception), slow, hang, alloc, health, roundtrip.</param>
/// <param name="Detail">Exception or measurement.</param>
/// <param name="Input">The input.</param>
/// <param name="File">Where it was written, or null.</param>
public sealed record FuzzFailure(string Kind, string Detail, byte[] Input, string? File);
