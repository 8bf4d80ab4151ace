using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// The RC4 stream cipher, which .NET does not provide but DIGEST-MD5's rc4, rc4-56 and rc4-40 layers use.
/// The key stream continues across calls, as the layer requires (one instance per direction).
/// </summary>
internal sealed class Rc4
{
    private readonly byte[] _state = new byte[256];
    private byte _i;
    private byte _j;

    public Rc4(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > 256)
        {
            throw new ArgumentException("RC4 keys are 1 to 256 bytes", nameof(key));
        }

        for (int n = 0; n < 256; n++)
        {
            _state[n] = (byte)n;
        }

        byte j = 0;
        for (int n = 0; n < 256; n++)
        {
            j = (byte)(j + _state[n] + key[n % key.Length]);
            (_state[n], _state[j]) = (_state[j], _state[n]);
        }
    }

    /// <summary>XORs the next key stream bytes into <paramref name="input"/>, writing to <paramref name="output"/> (may be the same span).</summary>
    public void Transform(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (output.Length < input.Length)
        {
            throw new ArgumentException("The output is shorter than the input", nameof(output));
        }

        // Indices are bytes and the state has 256 entries, so unchecked access is safe and saves the bounds checks
        // the JIT cannot prove away on this hot loop.
        ref byte s = ref MemoryMarshal.GetArrayDataReference(_state);
        ref byte source = ref MemoryMarshal.GetReference(input);
        ref byte target = ref MemoryMarshal.GetReference(output);
        byte i = _i, j = _j;
        for (int n = 0; n < input.Length; n++)
        {
            i++;
            byte si = Unsafe.Add(ref s, i);
            j = (byte)(j + si);
            byte sj = Unsafe.Add(ref s, j);
            Unsafe.Add(ref s, i) = sj;
            Unsafe.Add(ref s, j) = si;
            Unsafe.Add(ref target, n) = (byte)(Unsafe.Add(ref source, n) ^ Unsafe.Add(ref s, (byte)(si + sj)));
        }

        _i = i;
        _j = j;
    }
}
