namespace LibvirtRemote.Server.TestHypervisor.Cpu;

/// <summary>
/// One bit of x86 CPU data: a CPUID leaf (In1 = eax_in, In2 = ecx_in) or an MSR (In1 = index), the register
/// (0 eax, 1 ebx, 2 ecx, 3 edx) and the bit in it.
/// </summary>
internal readonly record struct X86Bit(bool Msr, uint In1, uint In2, int Register, int Bit);

/// <summary>
/// A set of x86 CPUID/MSR bits. libvirt keeps these as per-leaf register words; every operation the baseline needs
/// (union, difference, intersection, subset, emptiness) is a plain set operation on the bits.
/// </summary>
internal sealed class X86CpuData
{
    private readonly HashSet<X86Bit> _bits;

    public X86CpuData() => _bits = [];

    private X86CpuData(HashSet<X86Bit> bits) => _bits = bits;

    public bool IsEmpty => _bits.Count == 0;

    public X86CpuData Copy() => new([.. _bits]);

    public void AddWord(bool msr, uint in1, uint in2, int register, uint word)
    {
        for (int bit = 0; bit < 32; bit++)
        {
            if ((word & (1u << bit)) != 0)
            {
                _bits.Add(new X86Bit(msr, in1, in2, register, bit));
            }
        }
    }

    public void Add(X86CpuData other) => _bits.UnionWith(other._bits);

    public void Subtract(X86CpuData other) => _bits.ExceptWith(other._bits);

    public void Intersect(X86CpuData other) => _bits.IntersectWith(other._bits);

    public bool Contains(X86CpuData subset) => subset._bits.IsSubsetOf(_bits);
}
