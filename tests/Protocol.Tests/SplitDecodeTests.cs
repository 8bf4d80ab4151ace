using System.Buffers;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Decoding from a multi-segment sequence gives the same value as decoding the contiguous bytes, wherever the splits fall.</summary>
public class SplitDecodeTests
{
    public static TheoryData<string> Frames => new(
        "typed-params/12-c2s-call-domain-set-block-io-tune.hex",
        "virsh-nodeinfo/13-s2c-reply-node-get-info.hex",
        "virsh-dominfo/27-s2c-reply-domain-get-security-label.hex",
        "virsh-dumpxml/15-s2c-reply-domain-get-xml-desc.hex",
        "error-reply/13-s2c-error-domain-lookup-by-name.hex",
        "events/24-s2c-reply-connect-list-all-domains.hex",
        "domstats/15-s2c-reply-connect-get-all-domain-stats.hex",
        "sparse-download/23-s2c-stream-hole.hex",
        "python-lib-version/09-s2c-reply-connect-get-lib-version.hex");

    [Theory]
    [MemberData(nameof(Frames))]
    public void Every_two_segment_split_decodes_like_the_contiguous_body(string file)
    {
        (XdrTypeInfo type, byte[] body, byte[] expected) = Contiguous(file);
        for (int at = 0; at <= body.Length; at++)
        {
            Assert.True(expected.AsSpan().SequenceEqual(DecodeAndEncode(type, SegmentedSequence.Split(body, at))), $"split at {at}");
        }
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void One_byte_per_segment_decodes_like_the_contiguous_body(string file)
    {
        (XdrTypeInfo type, byte[] body, byte[] expected) = Contiguous(file);
        ReadOnlySequence<byte> sequence = SegmentedSequence.BytePerSegment(body);
        Assert.False(sequence.IsSingleSegment);
        Assert.Equal(expected, DecodeAndEncode(type, sequence));
    }

    [Fact]
    public void Strict_padding_is_checked_across_segment_boundaries()
    {
        byte[] body = GoldenFrame.Load("raw-probes/02-c2s-call-connect-open.hex").Body.ToArray();
        for (int at = 0; at <= body.Length; at++)
        {
            ReadOnlySequence<byte> sequence = SegmentedSequence.Split(body, at);
            XdrException e = Assert.Throws<XdrException>(() =>
            {
                var reader = new XdrReader(sequence) { StrictPadding = true };
                ConnectOpenArgs.Decode(ref reader);
            });
            Assert.Equal(XdrErrorKind.NonZeroPadding, e.Kind);
        }
    }

    private static (XdrTypeInfo Type, byte[] Body, byte[] Expected) Contiguous(string file)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        XdrTypeInfo type = frame.BodyType().Type ?? throw new InvalidOperationException($"{file} has no typed body");
        byte[] body = frame.Body.ToArray();
        byte[] expected = DecodeAndEncode(type, new ReadOnlySequence<byte>(body));
        Assert.Equal(body, expected);
        return (type, body, expected);
    }

    private static byte[] DecodeAndEncode(XdrTypeInfo type, ReadOnlySequence<byte> body)
    {
        var reader = new XdrReader(body) { StrictPadding = true };
        object value = type.Decode(ref reader);
        reader.EnsureEnd();
        Assert.Equal(body.Length, reader.Position);
        return RoundTripTests.Encode(type, value);
    }
}
