namespace LibvirtRemote.Client.Rpc;

/// <summary>Settings of one RPC connection.</summary>
public sealed class RpcConnectionOptions
{
    /// <summary>
    /// Longest a call may wait for its reply; <see langword="null"/> (the default, as libvirt) waits until the
    /// reply, a cancellation or the loss of the connection. A timed-out call is abandoned: its late reply is
    /// ignored and the connection stays usable.
    /// </summary>
    public TimeSpan? CallTimeout { get; set; }
}
