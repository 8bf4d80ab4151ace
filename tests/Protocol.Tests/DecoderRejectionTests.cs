using System.Buffers.Binary;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Malformed input fails with a typed <see cref="XdrException"/>, before allocating for lengths it cannot back.</summary>
public class DecoderRejectionTests
{
    public static TheoryData<string> TruncationFrames => new(
        "typed-params/12-c2s-call-domain-set-block-io-tune.hex",
        "virsh-nodeinfo/13-s2c-reply-node-get-info.hex",
        "error-reply/13-s2c-error-domain-lookup-by-name.hex",
        "events/24-s2c-reply-connect-list-all-domains.hex",
        "domstats/15-s2c-reply-connect-get-all-domain-stats.hex",
        "sparse-download/23-s2c-stream-hole.hex");

    [Theory]
    [MemberData(nameof(TruncationFrames))]
    public void Every_proper_prefix_of_a_body_is_truncated(string file)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        XdrTypeInfo type = frame.BodyType().Type!;
        byte[] body = frame.Body.ToArray();
        for (int length = 0; length < body.Length; length++)
        {
            byte[] prefix = body[..length];
            XdrException e = Assert.Throws<XdrException>(() =>
            {
                var reader = new XdrReader(prefix);
                type.Decode(ref reader);
            });
            Assert.True(e.Kind == XdrErrorKind.Truncated, $"prefix of {length} bytes: {e.Kind} {e.Message}");
        }
    }

    [Fact]
    public void String_longer_than_its_maximum_is_rejected_before_reading_it()
    {
        XdrException e = Fails<DomainLookupByNameArgs>(Words(RemoteProtocol.RemoteStringMax + 1));
        Assert.Equal(XdrErrorKind.LengthExceedsMaximum, e.Kind);
        Assert.Equal(0, e.Position);
    }

    [Fact]
    public void String_at_its_maximum_but_without_the_bytes_is_truncated()
        => Assert.Equal(XdrErrorKind.Truncated, Fails<DomainLookupByNameArgs>(Words(RemoteProtocol.RemoteStringMax)).Kind);

    [Fact]
    public void Array_count_over_its_maximum_is_rejected()
        => Assert.Equal(XdrErrorKind.LengthExceedsMaximum, Fails<ConnectListAllDomainsRet>(Words(RemoteProtocol.RemoteDomainListMax + 1, 0)).Kind);

    [Fact]
    public void Negative_array_count_is_rejected()
        => Assert.Equal(XdrErrorKind.LengthExceedsMaximum, Fails<ConnectListAllDomainsRet>(Words(0xFFFFFFFF, 0)).Kind);

    [Fact]
    public void Negative_string_length_is_rejected()
        => Assert.Equal(XdrErrorKind.LengthExceedsMaximum, Fails<DomainLookupByNameArgs>(Words(0xFFFFFFFF)).Kind);

    [Fact]
    public void Huge_count_within_the_maximum_fails_without_allocating_the_array()
    {
        byte[] body = Words(RemoteProtocol.RemoteDomainListMax, 0);
        Fails<ConnectListAllDomainsRet>(body); // warm up: JIT and type initialisation allocate too
        long before = GC.GetAllocatedBytesForCurrentThread();
        XdrException e = Fails<ConnectListAllDomainsRet>(body);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(XdrErrorKind.Truncated, e.Kind);
        Assert.True(allocated < 64 * 1024, $"the failed decode allocated {allocated} bytes");
    }

    [Fact]
    public void Huge_opaque_length_within_the_maximum_fails_without_allocating()
    {
        byte[] body = Words(VirNetProtocol.VirNetMessageStringMax - 4);
        Fails<DomainLookupByNameArgs>(body);
        long before = GC.GetAllocatedBytesForCurrentThread();
        XdrException e = Fails<DomainLookupByNameArgs>(body);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(XdrErrorKind.Truncated, e.Kind);
        Assert.True(allocated < 64 * 1024, $"the failed decode allocated {allocated} bytes");
    }

    [Fact]
    public void Union_discriminant_without_an_arm_is_rejected()
    {
        Assert.Equal(XdrErrorKind.InvalidDiscriminant, Fails<TypedParamValue>(Words(9, 50)).Kind);

        // The same as libvirtd got it in raw-probes/08 (it answered VIR_ERR_RPC and kept the connection).
        byte[] probe = GoldenFrame.Load("raw-probes/08-c2s-call-domain-set-scheduler-parameters.hex").Body.ToArray();
        XdrException e = Fails<DomainSetSchedulerParametersArgs>(probe);
        Assert.Equal(XdrErrorKind.InvalidDiscriminant, e.Kind);
        Assert.Equal(probe.Length - 8, e.Position); // the discriminant word, followed by one word of the arm
    }

    [Fact]
    public void Optional_flag_other_than_0_or_1_is_rejected()
    {
        // libvirtd 9.0.0 takes any non-zero flag as "present"; our decoder is stricter on purpose.
        byte[] body = Words(2, 4, 0x74657374, 0);
        Assert.Equal(XdrErrorKind.InvalidBoolean, Fails<ConnectOpenArgs>(body).Kind);
        body[3] = 1;
        Assert.Equal("test", Decode<ConnectOpenArgs>(body).Name);
    }

    [Theory]
    [InlineData("raw-probes/02-c2s-call-connect-open.hex", "test:///default")]
    [InlineData("raw-probes/04-c2s-call-domain-lookup-by-name.hex", "tst")]
    public void Non_zero_padding_is_accepted_by_default_and_rejected_when_strict(string file, string name)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        byte[] body = frame.Body.ToArray();
        object value = frame.DecodeBody()!;
        Assert.Equal(name, value is ConnectOpenArgs open ? open.Name : ((DomainLookupByNameArgs)value).Name);
        XdrException e = Assert.Throws<XdrException>(() =>
        {
            var reader = new XdrReader(body) { StrictPadding = true };
            frame.BodyType().Type!.Decode(ref reader);
        });
        Assert.Equal(XdrErrorKind.NonZeroPadding, e.Kind);
    }

    [Fact]
    public void Trailing_bytes_are_reported_by_EnsureEnd()
    {
        byte[] body = GoldenFrame.Load("raw-probes/06-c2s-call-domain-lookup-by-name.hex").Body.ToArray();
        var reader = new XdrReader(body);
        Assert.Equal("test", DomainLookupByNameArgs.Decode(ref reader).Name);
        Assert.Equal(4, reader.Remaining);
        XdrException e = Assert.Throws<XdrException>(() =>
        {
            var r = new XdrReader(body);
            DomainLookupByNameArgs.Decode(ref r);
            r.EnsureEnd();
        });
        Assert.Equal(XdrErrorKind.TrailingBytes, e.Kind);
        Assert.Equal(8, e.Position);
    }

    [Fact]
    public void Fixed_length_opaque_of_the_wrong_length_is_not_encoded()
    {
        var domain = new NonnullDomain { Name = "test", Uuid = new byte[15], Id = 1 };
        XdrException e = Assert.Throws<XdrException>(() => RoundTripTests.Encode(NonnullDomain.XdrInfo, domain));
        Assert.Equal(XdrErrorKind.FixedLengthMismatch, e.Kind);
        domain.Uuid = new byte[16];
        Assert.Equal(4 + 4 + 16 + 4, RoundTripTests.Encode(NonnullDomain.XdrInfo, domain).Length);
    }

    [Fact]
    public void Fixed_length_char_array_of_the_wrong_length_is_not_encoded()
    {
        var info = new NodeGetInfoRet { Model = new byte[31] };
        Assert.Equal(XdrErrorKind.FixedLengthMismatch, Assert.Throws<XdrException>(() => RoundTripTests.Encode(NodeGetInfoRet.XdrInfo, info)).Kind);
    }

    [Fact]
    public void Array_longer_than_its_maximum_is_not_encoded()
    {
        var ret = new ConnectListAllDomainsRet { Domains = new NonnullDomain[RemoteProtocol.RemoteDomainListMax + 1] };
        Assert.Equal(XdrErrorKind.LengthExceedsMaximum, Assert.Throws<XdrException>(() => RoundTripTests.Encode(ConnectListAllDomainsRet.XdrInfo, ret)).Kind);
    }

    private static byte[] Words(params long[] words)
    {
        byte[] bytes = new byte[4 * words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 * i), unchecked((uint)words[i]));
        }

        return bytes;
    }

    private static T Decode<T>(byte[] body)
        where T : IXdrType<T>
    {
        var reader = new XdrReader(body);
        T value = T.Decode(ref reader);
        reader.EnsureEnd();
        return value;
    }

    private static XdrException Fails<T>(byte[] body)
        where T : IXdrType<T>
    {
        try
        {
            Decode<T>(body);
        }
        catch (XdrException e)
        {
            return e;
        }

        throw new Xunit.Sdk.XunitException($"{typeof(T).Name} decoded {Convert.ToHexStringLower(body)} without an error");
    }
}
