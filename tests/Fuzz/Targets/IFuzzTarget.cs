namespace LibvirtRemote.Fuzz.Targets;

/// <summary>One thing under test: it takes arbitrary bytes and must either accept them or reject them with a documented exception.</summary>
public interface IFuzzTarget
{
    /// <summary>Short name used on the command line and in failure file names.</summary>
    string Name { get; }

    /// <summary>
    /// Whether the allocation bound applies: the target runs synchronously on the calling thread, so
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around <see cref="Run"/> sees everything it allocates.
    /// </summary>
    bool MeasuresAllocation { get; }

    /// <summary>Starting inputs (before mutation).</summary>
    IReadOnlyList<byte[]> Seeds(SeedCorpus corpus);

    /// <summary>Runs one input. Returns normally for accepted input.</summary>
    void Run(byte[] input);

    /// <summary>Whether <paramref name="exception"/> is a documented rejection of bad input (not a bug).</summary>
    bool IsExpected(Exception exception);

    /// <summary>
    /// Optional structure-aware mutation: decode <paramref name="input"/>, change one field, encode again.
    /// Returns null when the input cannot be decoded or the target has no structure.
    /// </summary>
    byte[]? MutateStructure(byte[] input, Random random) => null;

    /// <summary>Called every so often and at the end of a run; throws when a cross-input invariant is broken (e.g. the server no longer serves clients).</summary>
    void CheckHealth()
    {
    }
}
