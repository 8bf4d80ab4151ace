using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Xdr.Tests;

/// <summary>Byte-exact encodings of each XDR item (RFC 4506 section 4) and libvirt's char quirk.</summary>
public class PrimitiveEncodingTests
{
    private delegate void Write(ref XdrWriter writer);

    private static string Encode(Write write)
    {
        using var output = new PooledBufferWriter();
        var writer = new XdrWriter(output);
        write(ref writer);
        writer.Flush();
        return Convert.ToHexStringLower(output.ToArray());
    }

    [Fact]
    public void Integers()
    {
        Assert.Equal("fffffffe", Encode((ref XdrWriter w) => w.WriteInt32(-2)));
        Assert.Equal("80000000", Encode((ref XdrWriter w) => w.WriteUInt32(0x80000000)));
        Assert.Equal("fffffffffffffffd", Encode((ref XdrWriter w) => w.WriteInt64(-3)));
        Assert.Equal("0102030405060708", Encode((ref XdrWriter w) => w.WriteUInt64(0x0102030405060708)));
        Assert.Equal("3ff0000000000000", Encode((ref XdrWriter w) => w.WriteDouble(1.0)));
        Assert.Equal("3f800000", Encode((ref XdrWriter w) => w.WriteSingle(1.0f)));
        Assert.Equal("00000001", Encode((ref XdrWriter w) => w.WriteBool(true)));
    }

    [Fact]
    public void NarrowTypesWidenToWholeWords()
    {
        Assert.Equal("ffffff80", Encode((ref XdrWriter w) => w.WriteChar(-128)));
        Assert.Equal("00000080", Encode((ref XdrWriter w) => w.WriteUChar(0x80)));
        Assert.Equal("ffff8000", Encode((ref XdrWriter w) => w.WriteInt16(short.MinValue)));
        Assert.Equal("0000ffff", Encode((ref XdrWriter w) => w.WriteUInt16(ushort.MaxValue)));
    }

    [Fact]
    public void StringsArePaddedWithZeros()
    {
        Assert.Equal("00000005" + "74657374" + "31000000", Encode((ref XdrWriter w) => w.WriteString("test1", 100)));
        Assert.Equal("00000000", Encode((ref XdrWriter w) => w.WriteString(null, 100)));
        Assert.Equal("0000000474657374", Encode((ref XdrWriter w) => w.WriteString("test", 4)));
    }

    [Fact]
    public void OpaqueFixedAndVariable()
    {
        Assert.Equal("00000003010203" + "00", Encode((ref XdrWriter w) => w.WriteOpaque(new byte[] { 1, 2, 3 }, 3)));
        Assert.Equal("01020300", Encode((ref XdrWriter w) => w.WriteFixedOpaque([1, 2, 3], 3)));
        Assert.Equal(new string('0', 32), Encode((ref XdrWriter w) => w.WriteFixedOpaque(null, 16)));
    }

    [Fact]
    public void CharArraysPutEachCharInItsOwnWord()
    {
        // libvirt's `char model[32]`: signed chars are sign-extended like C XDR libraries do.
        Assert.Equal("00000041" + "ffffffe9", Encode((ref XdrWriter w) => w.WriteFixedCharArray([0x41, 0xe9], 2, signed: true)));
        Assert.Equal("00000002" + "00000041" + "000000e9", Encode((ref XdrWriter w) => w.WriteCharArray(new byte[] { 0x41, 0xe9 }, 10, signed: false)));

        var reader = new XdrReader(Convert.FromHexString("00000041ffffffe9"));
        Assert.Equal(new byte[] { 0x41, 0xe9 }, reader.ReadFixedCharArray(2));
    }

    [Fact]
    public void LimitsAreCheckedOnEncode()
    {
        Assert.Equal(XdrErrorKind.LengthExceedsMaximum, Assert.Throws<XdrException>(() => Encode((ref XdrWriter w) => w.WriteString("abcde", 4))).Kind);
        Assert.Equal(XdrErrorKind.LengthExceedsMaximum, Assert.Throws<XdrException>(() => Encode((ref XdrWriter w) => w.WriteOpaque(new byte[5], 4))).Kind);
        Assert.Equal(XdrErrorKind.FixedLengthMismatch, Assert.Throws<XdrException>(() => Encode((ref XdrWriter w) => w.WriteFixedOpaque(new byte[15], 16))).Kind);
    }

    [Fact]
    public void LargeStringsRoundTripThroughTheChunkedPath()
    {
        string text = string.Concat(Enumerable.Repeat("héllo wörld ", 20000));
        using var output = new PooledBufferWriter();
        var writer = new XdrWriter(output);
        writer.WriteString(text, uint.MaxValue);
        writer.WriteInt32(42);
        writer.Flush();
        var reader = new XdrReader(output.AsSequence());
        Assert.Equal(text, reader.ReadString(uint.MaxValue));
        Assert.Equal(42, reader.ReadInt32());
        reader.EnsureEnd();
    }

    [Fact]
    public void ReaderRejectsTruncationAndBadBooleans()
    {
        var truncated = new XdrReader(new byte[] { 0, 0, 0 });
        try
        {
            truncated.ReadInt32();
            Assert.Fail("expected an exception");
        }
        catch (XdrException e)
        {
            Assert.Equal(XdrErrorKind.Truncated, e.Kind);
        }

        var flag = new XdrReader(new byte[] { 0, 0, 0, 2 });
        try
        {
            flag.ReadOptionalFlag();
            Assert.Fail("expected an exception");
        }
        catch (XdrException e)
        {
            Assert.Equal(XdrErrorKind.InvalidBoolean, e.Kind);
        }
    }

    [Fact]
    public void StringLengthIsCheckedBeforeAllocating()
    {
        byte[] input = Convert.FromHexString("1000000000000000");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var reader = new XdrReader(input);
        try
        {
            reader.ReadString(uint.MaxValue);
            Assert.Fail("expected an exception");
        }
        catch (XdrException e)
        {
            Assert.Equal(XdrErrorKind.Truncated, e.Kind);
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }
}
