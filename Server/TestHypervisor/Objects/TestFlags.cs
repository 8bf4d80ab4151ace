using System.Globalization;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>libvirt's flag checks and list filters, with its exact messages.</summary>
internal static class TestFlags
{
    /// <summary>Rejects flags outside <paramref name="allowed"/> as the test driver's function <paramref name="function"/> does.</summary>
    public static void Check(uint flags, uint allowed, string function)
    {
        uint unknown = flags & ~allowed;
        if (unknown != 0)
        {
            throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.Test, $"unsupported flags (0x{unknown.ToString("x", CultureInfo.InvariantCulture)}) in function {function}");
        }
    }

    /// <summary>
    /// The ListAll filter shared by networks and pools: bit pairs (inactive 1, active 2), (persistent 4, transient 8),
    /// (autostart 16, no-autostart 32); a pair with neither bit set does not filter.
    /// </summary>
    public static bool Matches(uint flags, bool active, bool persistent, bool autostart)
        => Pair(flags, 2, 1, active) && Pair(flags, 4, 8, persistent) && Pair(flags, 16, 32, autostart);

    private static bool Pair(uint flags, uint whenTrue, uint whenFalse, bool value)
    {
        uint both = whenTrue | whenFalse;
        return (flags & both) == 0 || (flags & (value ? whenTrue : whenFalse)) != 0;
    }
}
