namespace LibvirtRemote.Protocol;

/// <summary>All procedures of one RPC program, indexed by number.</summary>
public sealed class ProcedureTable
{
    private readonly ProcedureInfo?[] _byNumber;

    /// <summary>Builds a table; numbers must be unique and positive.</summary>
    public ProcedureTable(string name, int program, int version, IReadOnlyList<ProcedureInfo> procedures)
    {
        ArgumentNullException.ThrowIfNull(procedures);
        Name = name;
        Program = unchecked((uint)program);
        Version = unchecked((uint)version);
        All = procedures;
        _byNumber = new ProcedureInfo?[procedures.Count == 0 ? 1 : procedures.Max(p => p.Number) + 1];
        foreach (ProcedureInfo procedure in procedures)
        {
            if (procedure.Number <= 0 || _byNumber[procedure.Number] is not null)
            {
                throw new ArgumentException($"Procedure number {procedure.Number} is invalid or repeated", nameof(procedures));
            }

            _byNumber[procedure.Number] = procedure;
        }
    }

    /// <summary>Short program name (<c>remote</c>, <c>qemu</c>, ...).</summary>
    public string Name { get; }

    /// <summary>Program number in the message header.</summary>
    public uint Program { get; }

    /// <summary>Program version in the message header.</summary>
    public uint Version { get; }

    /// <summary>Procedures in definition order.</summary>
    public IReadOnlyList<ProcedureInfo> All { get; }

    /// <summary>Looks a procedure up by number.</summary>
    public bool TryGet(int number, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ProcedureInfo? procedure)
    {
        procedure = number > 0 && number < _byNumber.Length ? _byNumber[number] : null;
        return procedure is not null;
    }
}
