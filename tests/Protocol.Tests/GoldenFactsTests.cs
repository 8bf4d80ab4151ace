using System.Text;
using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Values the golden files' comments state, checked against what our decoder makes of the bytes.</summary>
public class GoldenFactsTests
{
    private static T Body<T>(string file) => Assert.IsType<T>(GoldenFrame.Load(file).DecodeBody());

    [Fact]
    public void Node_get_info_reply_has_a_160_byte_body_with_one_word_per_model_char()
    {
        GoldenFrame frame = GoldenFrame.Load("virsh-nodeinfo/13-s2c-reply-node-get-info.hex");
        Assert.Equal(160, frame.Body.Length);
        Assert.Equal(NodeGetInfoRet.XdrInfo, frame.BodyType().Type);
        var info = Assert.IsType<NodeGetInfoRet>(frame.DecodeBody());
        Assert.Equal(32, info.Model.Length);
        Assert.Equal("i686", Encoding.ASCII.GetString(info.Model).TrimEnd('\0'));
        Assert.All(info.Model.Skip(4), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Typed_param_call_carries_all_seven_types()
    {
        var args = Body<DomainSetBlockIoTuneArgs>("typed-params/12-c2s-call-domain-set-block-io-tune.hex");
        Assert.Equal("test", args.Dom.Name);
        Assert.Equal(Convert.FromHexString("6695eb01f6a4830479aa97f2502e193f"), args.Dom.Uuid);
        Assert.Equal("vda", args.Disk);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], args.Params.Select(p => p.Value.Type));
        Assert.Equal(
            ["t_int", "t_uint", "t_llong", "t_ullong", "t_double", "t_boolean", "t_string"],
            args.Params.Select(p => p.Field));
        Assert.Equal(-42, args.Params[0].Value.I);
        Assert.Equal(3000000000u, args.Params[1].Value.Ui);
        Assert.Equal(-1234567890123L, args.Params[2].Value.L);
        Assert.Equal(0x0123456789abcdefUL, args.Params[3].Value.Ul);
        Assert.Equal(1.5, args.Params[4].Value.D);
        Assert.Equal(1, args.Params[5].Value.B);
        Assert.Equal("hello", args.Params[6].Value.S);
    }

    [Fact]
    public void Error_reply_decodes_code_domain_and_message()
    {
        GoldenFrame frame = GoldenFrame.Load("error-reply/13-s2c-error-domain-lookup-by-name.hex");
        Assert.Equal(VirNetMessageType.Reply, frame.Header.Type);
        Assert.Equal(VirNetMessageStatus.Error, frame.Header.Status);
        var error = Assert.IsType<VirNetMessageError>(frame.DecodeBody());
        Assert.Equal(42, error.Code); // VIR_ERR_NO_DOMAIN
        Assert.Equal(12, error.Domain); // VIR_FROM_TEST
        Assert.Equal("Domain not found", error.Message);
        Assert.Equal(2, error.Level); // VIR_ERR_ERROR
        Assert.Null(error.Dom);
        Assert.Equal("Domain not found", error.Str1);
        Assert.Null(error.Str2);
        Assert.Null(error.Str3);
        Assert.Equal(-1, error.Int1);
        Assert.Equal(-1, error.Int2);
        Assert.Null(error.Net);
    }

    [Fact]
    public void Typed_param_error_reply_names_the_unsupported_parameter()
    {
        var error = Body<VirNetMessageError>("typed-params/13-s2c-error-domain-set-block-io-tune.hex");
        Assert.Equal(74, error.Code); // VIR_ERR_ARGUMENT_UNSUPPORTED
        Assert.Equal(0, error.Domain); // VIR_FROM_NONE
        Assert.Equal("argument unsupported: parameter 't_boolean' not supported", error.Message);
    }

    [Theory]
    [InlineData("keepalive/10-s2c-keepalive-ping.hex", 1)]
    [InlineData("keepalive/11-c2s-keepalive-pong.hex", 2)]
    public void Keepalive_ping_and_pong_are_empty_messages_with_serial_0(string file, int proc)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        Assert.Equal(0x6b656570u, frame.Header.Prog);
        Assert.Equal(proc, frame.Header.Proc);
        Assert.Equal(VirNetMessageType.Message, frame.Header.Type);
        Assert.Equal(0u, frame.Header.Serial);
        Assert.Equal(28, frame.Bytes.Length);
        Assert.True(KeepaliveProtocol.Procedures.TryGet(proc, out ProcedureInfo? info));
        Assert.Equal(proc == 1 ? "KEEPALIVE_PROC_PING" : "KEEPALIVE_PROC_PONG", info.Name);
    }

    [Theory]
    [InlineData("sparse-download/23-s2c-stream-hole.hex", 8192)]
    [InlineData("sparse-download/25-s2c-stream-hole.hex", 4096)]
    public void Stream_hole_carries_the_hole_length(string file, long length)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        Assert.Equal(VirNetMessageType.StreamHole, frame.Header.Type);
        Assert.Equal(VirNetMessageStatus.Continue, frame.Header.Status);
        var hole = Assert.IsType<VirNetStreamHole>(frame.DecodeBody());
        Assert.Equal(length, hole.Length);
        Assert.Equal(0u, hole.Flags);
    }

    [Fact]
    public void Event_message_uses_the_event_body_type_and_serial_1()
    {
        GoldenFrame frame = GoldenFrame.Load("events/16-s2c-event-domain-event-callback-lifecycle.hex");
        Assert.Equal(1u, frame.Header.Serial);
        var message = Assert.IsType<DomainEventCallbackLifecycleMsg>(frame.DecodeBody());
        Assert.Equal("test", message.Msg.Dom.Name);
        Assert.Equal(3, message.Msg.Event); // VIR_DOMAIN_EVENT_SUSPENDED
    }

    [Fact]
    public void Lib_version_reply_is_an_unsigned_hyper()
        => Assert.Equal(9000000UL, Body<ConnectGetLibVersionRet>("python-lib-version/09-s2c-reply-connect-get-lib-version.hex").LibVer);

    [Fact]
    public void Screenshot_stream_data_is_raw_and_not_a_multiple_of_four()
    {
        GoldenFrame frame = Directory.GetFiles(Path.Combine(TestPaths.Golden, "screenshot-stream"), "*-stream-data.hex")
            .Select(p => GoldenFrame.Load("screenshot-stream/" + Path.GetFileName(p))).Single();
        Assert.Equal(33443, frame.Body.Length);
        Assert.Equal(frame.Body.ToArray(), Assert.IsType<byte[]>(frame.DecodeBody()));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], frame.Body[..4].ToArray());
    }

    [Fact]
    public void Virsh_list_all_session_has_20_frames_starting_with_serial_0()
    {
        string[] files = Directory.GetFiles(Path.Combine(TestPaths.Golden, "virsh-list-all"), "*.hex").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(20, files.Length);
        GoldenFrame first = GoldenFrame.Load("virsh-list-all/" + Path.GetFileName(files[0]));
        Assert.Equal(VirNetMessageType.Call, first.Header.Type);
        Assert.Equal(0u, first.Header.Serial);
        Assert.Equal((int)Procedure.AuthList, first.Header.Proc);

        // Serials count up by one per call, and every reply repeats its call's serial.
        GoldenFrame[] frames = files.Select(f => GoldenFrame.Load("virsh-list-all/" + Path.GetFileName(f))).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (uint)i), frames.Where(f => f.Header.Type == VirNetMessageType.Call).Select(f => f.Header.Serial));
        Assert.Equal(frames.Where((f, i) => i % 2 == 0).Select(f => f.Header.Serial), frames.Where((f, i) => i % 2 == 1).Select(f => f.Header.Serial));
    }
}
