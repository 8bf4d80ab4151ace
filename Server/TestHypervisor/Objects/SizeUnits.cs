using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// libvirt's size units, shared by every element that takes a <c>unit</c> attribute: k/m/g/t/p/e (or KiB, MiB, …) are
/// powers of 1024, kb/mb/… powers of 1000, b/byte/bytes one. An absent or empty unit means the element's default.
/// </summary>
internal static class SizeUnits
{
    /// <summary>The factor of <paramref name="unit"/>, or <paramref name="defaultScale"/> when it is absent or empty.</summary>
    public static bool TryGetScale(string? unit, ulong defaultScale, out ulong scale)
    {
        if (string.IsNullOrEmpty(unit))
        {
            scale = defaultScale;
            return true;
        }

        ulong? known = unit.ToLowerInvariant() switch
        {
            "b" or "byte" or "bytes" => 1,
            "k" or "kib" => 1UL << 10,
            "kb" => 1000,
            "m" or "mib" => 1UL << 20,
            "mb" => 1_000_000,
            "g" or "gib" => 1UL << 30,
            "gb" => 1_000_000_000,
            "t" or "tib" => 1UL << 40,
            "tb" => 1_000_000_000_000,
            "p" or "pib" => 1UL << 50,
            "pb" => 1_000_000_000_000_000,
            "e" or "eib" => 1UL << 60,
            "eb" => 1_000_000_000_000_000_000,
            _ => null,
        };
        scale = known ?? 0;
        return known is not null;
    }

    /// <summary>The factor of <paramref name="unit"/>; an unknown unit fails as libvirt fails it.</summary>
    public static ulong Scale(string? unit, ulong defaultScale)
        => TryGetScale(unit, defaultScale, out ulong scale)
            ? scale
            : throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.None, $"invalid argument: unknown suffix '{unit}'");

    /// <summary>
    /// <paramref name="value"/> in <paramref name="unit"/> (KiB when absent) as whole KiB, rounded up, as libvirt stores
    /// memory sizes.
    /// </summary>
    public static ulong ToKiB(ulong value, string? unit)
    {
        ulong bytes = Multiply(value, Scale(unit, 1024), unit);
        return (bytes / 1024) + (bytes % 1024 == 0 ? 0UL : 1UL);
    }

    /// <summary><paramref name="value"/> × <paramref name="scale"/>, refused as libvirt refuses a product past 64 bits.</summary>
    public static ulong Multiply(ulong value, ulong scale, string? unit)
        => value != 0 && value > ulong.MaxValue / scale
            ? throw new LibvirtErrorException(ErrorCode.Overflow, ErrorDomain.None, $"numerical overflow: value too large: {value}{unit}")
            : value * scale;
}
