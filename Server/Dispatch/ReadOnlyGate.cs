using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>Which procedures a read-only client may not call, as libvirt's public API decides it.</summary>
internal static class ReadOnlyGate
{
    /// <summary>True when the procedure's public API refuses read-only connections whatever the arguments.</summary>
    public static bool DeniesAlways(ProcedureInfo procedure) => false;
}
