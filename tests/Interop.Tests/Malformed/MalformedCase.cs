namespace LibvirtRemote.Interop.Tests.Malformed;

/// <summary>What the connection has done before the malformed bytes are sent.</summary>
internal enum Setup
{
    /// <summary>Nothing: the bytes are the first thing the server sees.</summary>
    Fresh,

    /// <summary>CONNECT_OPEN test:///default on the read-write socket.</summary>
    Open,

    /// <summary>CONNECT_OPEN test:///default on the read-only socket.</summary>
    ReadOnlyOpen,

    /// <summary>A socket that requires SASL; AUTH_LIST has been called.</summary>
    Sasl,
}

/// <summary>One named malformed input.</summary>
/// <param name="Name">Short name (the theory's case).</param>
/// <param name="Setup">What happens first.</param>
/// <param name="Bytes">What is sent then, in one write.</param>
/// <param name="Why">What it exercises.</param>
/// <param name="Probe">Whether a probe call follows (not after a partial frame: the probe would only complete it).</param>
internal sealed record MalformedCase(string Name, Setup Setup, byte[] Bytes, string Why, bool Probe = true)
{
    public override string ToString() => Name;
}
