using LibvirtRemote.Protocol;
using static LibvirtRemote.Interop.Tests.Malformed.Wire;

namespace LibvirtRemote.Interop.Tests.Malformed;

/// <summary>
/// The named malformed inputs. Each is sent, after its setup, to libvirtd 9.0.0 and to our server; the two must
/// answer in the same way (see <see cref="MalformedDifferentialTests"/>).
/// </summary>
internal static class MalformedCorpus
{
    private const int Call = 0, Reply = 1, Message = 2, Stream = 3, CallWithFds = 4, StreamHole = 6;
    private const int Ok = 0, Error = 1, Continue = 2;

    public static IReadOnlyList<MalformedCase> All { get; } = Build();

    private static List<MalformedCase> Build()
    {
        byte[] header = Words(Remote, 1, (uint)Procedure.ConnectGetHostname, Call, Serial, Ok);
        byte[] hostname = Call(Procedure.ConnectGetHostname);
        byte[] lookupTest = Call(Procedure.DomainLookupByName, Str("test"));
        byte[] schedulerPrefix = Concat(TestDomain());
        return
        [
            // Length word.
            new("length-zero", Setup.Open, Words(0), "length word 0 (< 28)"),
            new("length-4", Setup.Open, Words(4), "length word that covers only itself"),
            new("length-27", Setup.Open, Concat(Words(27), header[..23]), "one byte short of a header"),
            new("length-over-32MiB", Setup.Open, Concat(Words(33554437), header), "length word 32 MiB + 5 (body limit + 1)"),
            new("length-max-uint", Setup.Open, Concat(Words(uint.MaxValue), header), "length word 0xffffffff"),
            new("length-sign-bit", Setup.Fresh, Concat(Words(0x80000000), header), "length word with the sign bit set, first thing on the socket"),

            // Header words.
            new("unknown-program", Setup.Open, Frame(0x12345678, 1, 1, Call, Serial, Ok, []), "program nobody serves"),
            new("bad-version", Setup.Open, Frame(Remote, 2, (int)Procedure.ConnectGetHostname, Call, Serial, Ok, []), "remote program, version 2"),
            new("unknown-procedure", Setup.Open, Frame(Remote, 1, 9999, Call, Serial, Ok, []), "procedure beyond the table"),
            new("procedure-zero", Setup.Open, Frame(Remote, 1, 0, Call, Serial, Ok, []), "procedure 0"),
            new("procedure-negative", Setup.Open, Frame(Remote, 1, -1, Call, Serial, Ok, []), "procedure -1"),
            new("event-procedure-as-call", Setup.Open, Call((Procedure)107), "DOMAIN_EVENT_LIFECYCLE (server-to-client only) sent as a call"),
            new("qemu-unknown-procedure", Setup.Open, Frame(Qemu, 1, 999, Call, Serial, Ok, []), "qemu program, unknown procedure"),
            new("type-reply-from-client", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, Reply, Serial, Ok, []), "a REPLY sent to the server"),
            new("type-message-from-client", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, Message, Serial, Ok, []), "a MESSAGE (event) sent to the server"),
            new("type-invalid", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, 99, Serial, Ok, []), "message type 99"),
            new("type-reply-with-fds", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, 5, Serial, Ok, Words(0)), "REPLY_WITH_FDS from the client"),
            new("call-status-error", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, Call, Serial, Error, []), "CALL with status ERROR"),
            new("call-status-continue", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, Call, Serial, Continue, []), "CALL with status CONTINUE"),
            new("call-status-invalid", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, Call, Serial, 7, []), "CALL with status 7"),
            new("keepalive-unknown-procedure", Setup.Open, Frame(Keepalive, 1, 7, Message, 0, Ok, []), "keepalive program, procedure 7"),
            new("keepalive-pong-unsolicited", Setup.Open, Frame(Keepalive, 1, 2, Message, 0, Ok, []), "PONG nobody asked for"),
            new("keepalive-ping-as-call", Setup.Open, Frame(Keepalive, 1, 1, Call, Serial, Ok, []), "keepalive PING sent as a CALL"),

            // Bodies.
            new("truncated-frame", Setup.Open, lookupTest[..^4], "length word promises 4 more bytes than are sent", Probe: false),
            new("truncated-body", Setup.Open, Call(Procedure.DomainLookupByName, Words(10), "test"u8.ToArray()), "string length 10, 4 bytes of it"),
            new("empty-body-for-args", Setup.Open, Call(Procedure.DomainLookupByName), "a call whose args are missing"),
            new("trailing-bytes-void-args", Setup.Open, Call(Procedure.ConnectGetHostname, Words(1, 2)), "8 bytes after a call that takes no args"),
            new("trailing-bytes-after-args", Setup.Open, Call(Procedure.DomainLookupByName, Str("test"), Words(0)), "a word after complete args"),
            new("string-over-max", Setup.Open, Call(Procedure.DomainLookupByName, Words(4194305)), "string length REMOTE_STRING_MAX + 1"),
            new("string-length-huge", Setup.Open, Call(Procedure.DomainLookupByName, Words(0xfffffffc)), "string length 0xfffffffc"),
            new("string-nonzero-padding", Setup.Open, Call(Procedure.DomainLookupByName, Words(3), "tes"u8.ToArray(), [0x41]), "padding byte that is not zero"),
            new("string-invalid-utf8", Setup.Open, Call(Procedure.DomainLookupByName, Str([0x74, 0xff, 0xfe, 0x74])), "name that is not UTF-8 (the error message quotes it)"),
            new("list-count-over-max", Setup.Open, Call(Procedure.DomainSetSchedulerParameters, schedulerPrefix, Words(17)), "17 scheduler parameters (max 16)"),
            new("list-count-huge", Setup.Open, Call(Procedure.DomainSetSchedulerParameters, schedulerPrefix, Words(0x7fffffff)), "list count 2^31 - 1"),
            new("union-bad-discriminant", Setup.Open, Call(Procedure.DomainSetSchedulerParameters, schedulerPrefix, Words(1), Str("weight"), Words(99, 0)), "typed parameter of type 99"),
            new("optional-flag-2", Setup.Fresh, Call(Procedure.ConnectOpen, Words(2), Str("test:///default"), Words(0)), "optional-pointer flag 2 in CONNECT_OPEN"),
            new("uuid-truncated", Setup.Open, Call(Procedure.DomainGetInfo, Str("test"), TestUuid[..8]), "nonnull domain cut inside its uuid"),
            new("memory-peek-over-max", Setup.Open, Call(Procedure.DomainMemoryPeek, TestDomain(), Words(0, 0, 4194305, 1)), "DOMAIN_MEMORY_PEEK size over its 4 MiB maximum"),

            // Calls in the wrong state.
            new("call-before-open", Setup.Fresh, hostname, "CONNECT_GET_HOSTNAME before CONNECT_OPEN"),
            new("second-connect-open", Setup.Open, Call(Procedure.ConnectOpen, Words(1), Str("test:///default"), Words(0)), "CONNECT_OPEN twice"),
            new("connect-open-unknown-driver", Setup.Fresh, Call(Procedure.ConnectOpen, Words(1), Str("nosuchdriver:///x"), Words(0)), "URI no driver accepts"),
            new("register-unknown-event", Setup.Open, Call(Procedure.ConnectDomainEventCallbackRegisterAny, Words(9999, 0)), "domain event ID 9999"),
            new("unknown-domain", Setup.Open, Call(Procedure.DomainGetInfo, Str("nosuch"), new byte[16], Words(7)), "domain that does not exist"),
            new("readonly-destroy", Setup.ReadOnlyOpen, Call(Procedure.DomainDestroy, TestDomain()), "mutating call on the read-only socket"),
            new("readonly-define", Setup.ReadOnlyOpen, Call(Procedure.DomainDefineXml, Str("<domain/>")), "define on the read-only socket"),
            new("call-before-auth", Setup.Sasl, Call(Procedure.ConnectOpen, Words(1), Str("test:///default"), Words(0)), "CONNECT_OPEN before SASL"),
            new("unknown-procedure-before-auth", Setup.Sasl, Frame(Remote, 1, 9999, Call, Serial, Ok, []), "unknown procedure before SASL"),
            new("sasl-step-before-start", Setup.Sasl, Call(Procedure.AuthSaslStep, Words(0, 0)), "AUTH_SASL_STEP with no exchange started"),
            new("sasl-start-before-init", Setup.Sasl, Call(Procedure.AuthSaslStart, Str("PLAIN"), Words(0, 0)), "AUTH_SASL_START before AUTH_SASL_INIT"),
            new("sasl-data-over-max", Setup.Sasl, Call(Procedure.AuthSaslStep, Words(0, 65537)), "SASL data count over 65536"),
            new("polkit-on-sasl-socket", Setup.Sasl, Call(Procedure.AuthPolkit), "AUTH_POLKIT where SASL is required"),

            // Streams and descriptors.
            new("stream-data-unknown-serial", Setup.Open, Frame(Remote, 1, (int)Procedure.DomainScreenshot, Stream, 555, Continue, Words(1, 2)), "stream data for a serial with no stream"),
            new("stream-finish-unknown-serial", Setup.Open, Frame(Remote, 1, (int)Procedure.DomainScreenshot, Stream, 555, Ok, []), "stream finish for a serial with no stream"),
            new("stream-hole-unknown-serial", Setup.Open, Frame(Remote, 1, (int)Procedure.DomainScreenshot, StreamHole, 555, Continue, Words(0, 4096, 0)), "STREAM_HOLE with no stream"),
            new("stream-hole-without-sparse", Setup.Open, Concat(Call(Procedure.DomainScreenshot, TestDomain(), Words(0, 0)), Frame(Remote, 1, (int)Procedure.DomainScreenshot, StreamHole, Serial, Continue, Words(0, 4096, 0))), "STREAM_HOLE on a screenshot stream, which has no sparse flag"),
            new("fd-count-over-32", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, CallWithFds, Serial, Ok, Words(33)), "CALL_WITH_FDS announcing 33 descriptors"),
            new("fd-count-missing", Setup.Open, Frame(Remote, 1, (int)Procedure.ConnectGetHostname, CallWithFds, Serial, Ok, []), "CALL_WITH_FDS without its count word"),
        ];
    }
}
