using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using LibvirtRemote.Client.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// The server-side SASL pieces used the way a server uses them — AUTH_SASL_* answered by our server mechanisms,
/// the security layer activated on a <see cref="SaslSecurityLayerPipe"/> once the completing reply is flushed — with
/// our client over a plain-TCP URI, so every later call and reply crosses the layer.
/// </summary>
public sealed class SaslServerMechanismWireTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("alice", "pw", null, true)]
    [InlineData("alice", "pw", "3des", true)]
    [InlineData("alice", "wrong", null, false)]
    [InlineData("nobody", "pw", null, false)]
    public async Task ClientAndServerTalkThroughTheNegotiatedLayer(string user, string password, string? cipher, bool succeeds)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var users = new SaslUserDatabase("wire.test");
        users.AddUser("alice", "pw", iterations: 1);
        var toServer = new Pipe();
        var toClient = new Pipe();
        var serverPipe = new SaslSecurityLayerPipe(new DuplexPipe(toServer.Reader, toClient.Writer));
        var clientPipe = new SaslSecurityLayerPipe(new DuplexPipe(toClient.Reader, toServer.Writer));
        string hostname = new('h', 100_000);
        Task serve = ServeAsync(serverPipe, users, hostname, timeout.Token);

        var options = new LibvirtConnectionOptions { Credentials = new NetworkCredential(user, password), SaslCipher = cipher, KeepaliveInterval = null };
        Task<LibvirtConnection> open = LibvirtConnection.OpenAsync(clientPipe, LibvirtUri.Parse("test+tcp://wire.test/default"), options).WaitAsync(Timeout);
        if (succeeds)
        {
            await using LibvirtConnection connection = await open;
            Assert.Equal(hostname, await connection.GetHostnameAsync().WaitAsync(Timeout));
            Assert.NotNull(serverPipe.Layer);
            Assert.Equal(cipher ?? "rc4", ((DigestMd5SecurityLayer)serverPipe.Layer).CipherName);
        }
        else
        {
            LibvirtException error = await Assert.ThrowsAsync<LibvirtException>(() => open);
            Assert.Equal(ErrorCode.AuthFailed, error.Code);
            Assert.Null(serverPipe.Layer);
            await clientPipe.DisposeAsync();
        }

        await serve.WaitAsync(Timeout);
        await serverPipe.DisposeAsync();
    }

    private static async Task ServeAsync(SaslSecurityLayerPipe pipe, SaslUserDatabase users, string hostname, CancellationToken cancellationToken)
    {
        var reader = new FrameReader(pipe.Input);
        ISaslServerMechanism? mechanism = null;
        while (await reader.ReadAsync(cancellationToken) is Frame frame)
        {
            VirNetMessageHeader header = frame.Header with { Type = VirNetMessageType.Reply, Status = VirNetMessageStatus.Ok };
            byte[] body = frame.Body.ToArray();
            SaslServerStep? step = null;
            switch ((Procedure)frame.Header.Proc)
            {
                case Procedure.AuthList:
                    FrameWriter.Write(pipe.Output, header, new AuthListRet { Types = [AuthType.Sasl] });
                    break;
                case Procedure.AuthSaslInit:
                    FrameWriter.Write(pipe.Output, header, new AuthSaslInitRet { Mechlist = string.Join(",", SaslServerMechanisms.Offered(secureChannel: false)) });
                    break;
                case Procedure.AuthSaslStart:
                    AuthSaslStartArgs start = Decode<AuthSaslStartArgs>(body);
                    mechanism = SaslServerMechanisms.Create(start.Mech, users, minSsf: 56);
                    step = mechanism!.Step(start.Nil != 0 ? null : start.Data);
                    break;
                case Procedure.AuthSaslStep:
                    AuthSaslStepArgs next = Decode<AuthSaslStepArgs>(body);
                    step = mechanism!.Step(next.Nil != 0 ? null : next.Data);
                    break;
                case Procedure.ConnectGetHostname:
                    FrameWriter.Write(pipe.Output, header, new ConnectGetHostnameRet { Hostname = hostname });
                    break;
                case Procedure.ConnectSupportsFeature:
                    FrameWriter.Write(pipe.Output, header, new ConnectSupportsFeatureRet { Supported = 0 });
                    break;
                default:
                    FrameWriter.Write(pipe.Output, header, default(XdrVoid));
                    break;
            }

            // As our server does: the client may answer the completing reply at once, in protected bytes, before the
            // output side below is switched, so incoming bytes are unwrapped from before the reply is sent.
            if (step?.Outcome == SaslStepOutcome.Success && mechanism!.SecurityLayer is { Ssf: >= 56 } inputLayer)
            {
                pipe.ActivateInput(inputLayer);
            }

            if (step is { } result)
            {
                if (result.Outcome == SaslStepOutcome.Failure)
                {
                    FrameWriter.Write(pipe.Output, header with { Status = VirNetMessageStatus.Error }, new VirNetMessageError
                    {
                        Code = (int)ErrorCode.AuthFailed,
                        Domain = (int)ErrorDomain.Rpc,
                        Message = "authentication failed: authentication failed",
                        Level = 2,
                    });
                }
                else if ((Procedure)frame.Header.Proc == Procedure.AuthSaslStart)
                {
                    FrameWriter.Write(pipe.Output, header, new AuthSaslStartRet { Complete = result.Outcome == SaslStepOutcome.Success ? 1 : 0, Nil = result.Data is null ? 1 : 0, Data = result.Data ?? [] });
                }
                else
                {
                    FrameWriter.Write(pipe.Output, header, new AuthSaslStepRet { Complete = result.Outcome == SaslStepOutcome.Success ? 1 : 0, Nil = result.Data is null ? 1 : 0, Data = result.Data ?? [] });
                }
            }

            await pipe.Output.FlushAsync(cancellationToken);

            // Only after the completing reply is on its way: everything from here on is protected.
            if (step?.Outcome == SaslStepOutcome.Success && mechanism!.SecurityLayer is { Ssf: >= 56 } layer)
            {
                pipe.Activate(layer);
            }

            if ((Procedure)frame.Header.Proc == Procedure.ConnectClose || step?.Outcome == SaslStepOutcome.Failure)
            {
                return;
            }
        }
    }

    private static T Decode<T>(byte[] body)
        where T : IXdrType<T>
    {
        var reader = new XdrReader(body);
        return T.Decode(ref reader);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
