using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// AUTH_POLKIT in the handshake, against a scripted server (a real polkit check needs polkitd on the system bus,
/// which the test machine does not run).
/// </summary>
public sealed class PolkitHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("test+unix:///default")]
    [InlineData("test+unix:///default?auth=polkit")]
    public async Task ServerOfferingPolkitGetsAuthPolkitBeforeConnectOpen(string uri)
    {
        await using var server = new FakeLibvirtd();
        server.OnCall = async call =>
        {
            switch ((Procedure)call.Header.Proc)
            {
                case Procedure.AuthList:
                    await server.ReplyAsync(call.Header, new AuthListRet { Types = [AuthType.Polkit] });
                    return true;
                case Procedure.AuthPolkit:
                    Assert.Empty(call.Body);
                    await server.ReplyAsync(call.Header, new AuthPolkitRet { Complete = 1 });
                    return true;
                default:
                    return false;
            }
        };

        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse(uri)).WaitAsync(Timeout);
        int[] procedures = [.. server.Calls.Select(c => c.Header.Proc)];
        int polkit = Array.IndexOf(procedures, (int)Procedure.AuthPolkit);
        Assert.True(polkit > 0, "AUTH_POLKIT was not called");
        Assert.True(polkit < Array.IndexOf(procedures, (int)Procedure.ConnectOpen));
        Assert.DoesNotContain((int)Procedure.AuthSaslInit, procedures);
    }

    [Fact]
    public async Task PolkitRefusalIsTheServersAuthError()
    {
        await using var server = new FakeLibvirtd();
        server.OnCall = async call =>
        {
            switch ((Procedure)call.Header.Proc)
            {
                case Procedure.AuthList:
                    await server.ReplyAsync(call.Header, new AuthListRet { Types = [AuthType.Polkit] });
                    return true;
                case Procedure.AuthPolkit:
                    await server.ReplyErrorAsync(call.Header, new VirNetMessageError { Code = (int)ErrorCode.AuthFailed, Domain = (int)ErrorDomain.Rpc, Message = "authentication failed: access denied by policy", Level = 2 });
                    return true;
                default:
                    return false;
            }
        };

        LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(
            () => LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test+unix:///default")).WaitAsync(Timeout));
        Assert.Equal(ErrorCode.AuthFailed, error.Code);
        Assert.Equal("authentication failed: access denied by policy", error.Message);
        Assert.DoesNotContain(server.Calls, c => c.Header.Proc == (int)Procedure.ConnectOpen);
    }

    [Theory]
    [InlineData("polkit", AuthType.Sasl, "does not accept the requested authentication type polkit")]
    [InlineData("sasl", AuthType.Polkit, "does not accept the requested authentication type sasl")]
    [InlineData("kerberos", AuthType.Polkit, "Unknown authentication type auth=kerberos")]
    public async Task RequestedTypeMustBeOffered(string auth, AuthType offered, string expected)
    {
        await using var server = new FakeLibvirtd();
        server.OnCall = async call =>
        {
            if ((Procedure)call.Header.Proc == Procedure.AuthList)
            {
                await server.ReplyAsync(call.Header, new AuthListRet { Types = [offered] });
                return true;
            }

            return false;
        };

        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(
            () => LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test+unix:///default?auth=" + auth)).WaitAsync(Timeout));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Calls, c => c.Header.Proc is (int)Procedure.AuthPolkit or (int)Procedure.AuthSaslInit or (int)Procedure.ConnectOpen);
    }
}
