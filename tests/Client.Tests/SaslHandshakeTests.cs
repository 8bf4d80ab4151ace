using System.Net;
using System.Text;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>The SASL exchange against a scripted server that lies or misbehaves.</summary>
public sealed class SaslHandshakeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly LibvirtConnectionOptions Options = new() { Credentials = new NetworkCredential("user", "pencil") };

    [Theory]
    [InlineData(null, "before the client could verify")]
    [InlineData("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", "signature is wrong")]
    public async Task ServerThatClaimsSuccessWithoutProvingThePasswordIsRefused(string? serverFinal, string expected)
    {
        await using var server = new FakeLibvirtd();
        string? mech = null;
        int startNil = -1;
        server.OnCall = async call =>
        {
            switch ((Procedure)call.Header.Proc)
            {
                case Procedure.AuthList:
                    await server.ReplyAsync(call.Header, new AuthListRet { Types = [AuthType.Sasl] });
                    return true;
                case Procedure.AuthSaslInit:
                    await server.ReplyAsync(call.Header, new AuthSaslInitRet { Mechlist = "SCRAM-SHA-256,PLAIN" });
                    return true;
                case Procedure.AuthSaslStart:
                    AuthSaslStartArgs start = call.Decode<AuthSaslStartArgs>();
                    (mech, startNil) = (start.Mech, start.Nil);
                    string nonce = Encoding.UTF8.GetString(start.Data).Split("r=")[1];
                    byte[] first = Encoding.UTF8.GetBytes($"r={nonce}server,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
                    await server.ReplyAsync(call.Header, new AuthSaslStartRet { Complete = 0, Nil = 0, Data = first });
                    return true;
                case Procedure.AuthSaslStep:
                    byte[] final = serverFinal is null ? [] : Encoding.UTF8.GetBytes(serverFinal);
                    await server.ReplyAsync(call.Header, new AuthSaslStepRet { Complete = 1, Nil = serverFinal is null ? 1 : 0, Data = final });
                    return true;
                default:
                    return false;
            }
        };

        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(
            () => LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test:///default"), Options).WaitAsync(Timeout));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("SCRAM-SHA-256", mech);
        Assert.Equal(0, startNil);
        Assert.DoesNotContain(server.Calls, c => c.Header.Proc == (int)Procedure.ConnectOpen);
    }

    [Fact]
    public async Task MechanismsWithoutASecurityLayerAreRefusedOnPlainTcp()
    {
        await using var server = new FakeLibvirtd();
        server.OnCall = async call =>
        {
            switch ((Procedure)call.Header.Proc)
            {
                case Procedure.AuthList:
                    await server.ReplyAsync(call.Header, new AuthListRet { Types = [AuthType.Sasl] });
                    return true;
                case Procedure.AuthSaslInit:
                    await server.ReplyAsync(call.Header, new AuthSaslInitRet { Mechlist = "PLAIN" });
                    return true;
                default:
                    return false;
            }
        };

        LibvirtClientException error = await Assert.ThrowsAsync<LibvirtClientException>(
            () => LibvirtConnection.OpenAsync(server.ClientPipe, LibvirtUri.Parse("test+tcp://127.0.0.1/default"), Options).WaitAsync(Timeout));
        Assert.Contains("security layer", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Calls, c => c.Header.Proc == (int)Procedure.AuthSaslStart);
    }
}
