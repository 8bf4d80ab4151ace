using Xunit;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Every canonical golden frame decodes with its procedure's body type and re-encodes to the same bytes.</summary>
public class GoldenVectorTests
{
    public static TheoryData<string> Frames => new(GoldenFrame.AllCanonical());

    [Fact]
    public void The_golden_set_is_complete()
    {
        Assert.Equal(336, GoldenFrame.AllCanonical().Count());
        Assert.Equal(16, Directory.GetFiles(Path.Combine(TestPaths.Golden, "raw-probes"), "*.hex").Length);
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void Frame_round_trips(string file)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        Assert.Equal((uint)frame.Bytes.Length, frame.LengthWord);
        Assert.Equal(GoldenFrame.TableFor(frame.Header.Prog).Version, frame.Header.Vers);

        (XdrTypeInfo? type, bool raw) = frame.BodyType();
        if (type is null && !raw)
        {
            Assert.Equal(0, frame.Body.Length);
        }

        object? body = frame.DecodeBody();
        if (type is not null)
        {
            Assert.IsType(type.ClrType, body);
        }

        Assert.Equal(Convert.ToHexStringLower(frame.Bytes), Convert.ToHexStringLower(frame.Reencode(body)));
    }

    [Theory]
    [MemberData(nameof(Frames))]
    public void File_name_matches_the_header(string file)
    {
        GoldenFrame frame = GoldenFrame.Load(file);
        string name = Path.GetFileNameWithoutExtension(file);
        string what = name[(name.IndexOf('-', 3) + 1)..];
        VirNetMessageHeader h = frame.Header;
        string expected = h.Type switch
        {
            VirNetMessageType.Call => "call-",
            VirNetMessageType.Reply when h.Status == VirNetMessageStatus.Error => "error-",
            VirNetMessageType.Reply => "reply-",
            VirNetMessageType.Message when h.Prog == (uint)KeepaliveProtocol.KeepaliveProgram => "keepalive-",
            VirNetMessageType.Message => "event-",
            VirNetMessageType.Stream or VirNetMessageType.StreamHole => "stream-",
            _ => "?",
        };
        Assert.StartsWith(expected, what, StringComparison.Ordinal);
    }
}
