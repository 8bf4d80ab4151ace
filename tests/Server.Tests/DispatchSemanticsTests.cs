using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Config;
using LibvirtRemote.Server.Tests.Support;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>
/// The answers libvirtd 9.0.0 gives (tests/Interop.Tests/ServerFactsTests.cs records them against the real daemon),
/// asserted against our server over an in-memory pipe.
/// </summary>
public sealed class DispatchSemanticsTests
{
    private static readonly NonnullDomain SomeDomain = new() { Name = "test", Uuid = new byte[16], Id = 1 };

    [Fact]
    public async Task UnknownProcedureAndProgramGetLibvirtsRpcErrors()
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server);
        ReceivedFrame unknown = await client.CallAsync((Procedure)9999);
        AssertError(unknown.Error(), ErrorCode.Rpc, ErrorDomain.Rpc, "unknown procedure: 9999");

        VirNetMessageHeader header = WireClient.CallHeader(Procedure.ConnectGetHostname, 77);
        header.Prog = 0x12345678;
        header.Vers = 3;
        client.Send(header);
        await client.FlushAsync();
        ReceivedFrame program = await client.ReplyAsync(77);
        AssertError(program.Error(), ErrorCode.Rpc, ErrorDomain.Rpc, $"Cannot find program {0x12345678} version 3");

        // The connection carries on after both.
        await client.OpenAsync();
    }

    [Fact]
    public async Task CallsBeforeAuthenticationAreRefusedButUnknownProceduresAreReportedFirst()
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server, new ListenerOptions { Auth = ServerAuth.Sasl });
        AuthListRet auth = (await client.CallAsync(Procedure.AuthList)).Decode<AuthListRet>();
        Assert.Equal([AuthType.Sasl], auth.Types);
        AssertError((await client.CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" })).Error(), ErrorCode.Rpc, ErrorDomain.Rpc, "authentication required");
        AssertError((await client.CallAsync(Procedure.ConnectSupportsFeature, new ConnectSupportsFeatureArgs { Feature = 10 })).Error(), ErrorCode.Rpc, ErrorDomain.Rpc, "authentication required");
        AssertError((await client.CallAsync((Procedure)9999)).Error(), ErrorCode.Rpc, ErrorDomain.Rpc, "unknown procedure: 9999");
    }

    [Fact]
    public async Task EveryProcedureOtherThanTheAuthOnesIsRefusedBeforeAuthentication()
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server, new ListenerOptions { Auth = ServerAuth.Sasl });
        var sent = new List<(uint Serial, int Procedure)>();
        foreach (ProcedureInfo info in RemoteProtocol.Procedures.All)
        {
            if (info.IsEvent || info.Number is >= 66 and <= 70)
            {
                continue;
            }

            // Bodies are left empty on purpose: the gate must answer before anything is decoded.
            sent.Add((client.Send((Procedure)info.Number), info.Number));
            if (sent.Count % 50 == 0)
            {
                await client.FlushAsync();
            }
        }

        await client.FlushAsync();
        foreach ((uint serial, int procedure) in sent)
        {
            ReceivedFrame reply = await client.ReplyAsync(serial);
            Assert.True(reply.Header.Proc == procedure, $"reply to {procedure}");
            AssertError(reply.Error(), ErrorCode.Rpc, ErrorDomain.Rpc, "authentication required");
        }

        Assert.True(sent.Count > 350, $"only {sent.Count} procedures checked");
    }

    [Fact]
    public async Task SecondConnectOpenFailsAndClosesTheHypervisorConnection()
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server);
        await client.OpenAsync();
        ReceivedFrame second = await client.CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        AssertError(second.Error(), ErrorCode.InternalError, ErrorDomain.Rpc, "internal error: connection already open");
        ReceivedFrame after = await client.CallAsync(Procedure.ConnectGetLibVersion);
        AssertError(after.Error(), ErrorCode.InternalError, ErrorDomain.Rpc, "internal error: hypervisor connection not open");

        ReceivedFrame close = await client.CallAsync(Procedure.ConnectClose);
        Assert.Equal(VirNetMessageStatus.Ok, close.Header.Status);
        Assert.Empty(close.Body);
        await client.ExpectClosedAsync();
        await client.Serving.WaitAsync(WireClient.Timeout);
    }

    [Fact]
    public async Task CallBeforeOpenIsRefused()
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server);
        AssertError((await client.CallAsync(Procedure.ConnectGetLibVersion)).Error(), ErrorCode.InternalError, ErrorDomain.Rpc, "internal error: hypervisor connection not open");
    }

    [Fact]
    public async Task ApiTheBackendLacksIsNoSupportNamingThePublicApi()
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server);
        await client.OpenAsync();
        ReceivedFrame guestInfo = await client.CallAsync(Procedure.DomainGetGuestInfo, new DomainGetGuestInfoArgs { Dom = SomeDomain });
        AssertError(guestInfo.Error(), ErrorCode.NoSupport, ErrorDomain.Domain, "this function is not supported by the connection driver: virDomainGetGuestInfo");
        ReceivedFrame sev = await client.CallAsync(Procedure.NodeGetSevInfo, new NodeGetSevInfoArgs { Nparams = 16 });
        AssertError(sev.Error(), ErrorCode.NoSupport, ErrorDomain.Domain, "this function is not supported by the connection driver: virNodeGetSEVInfo");
    }

    [Theory]
    [InlineData(true, 0u)]
    [InlineData(false, 1u)]
    public async Task ReadOnlyConnectionsAreRefusedMutatingCalls(bool readOnlyListener, uint openFlags)
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server, new ListenerOptions { ReadOnly = readOnlyListener });
        await client.OpenAsync(openFlags);
        ReceivedFrame destroy = await client.CallAsync(Procedure.DomainDestroy, new DomainDestroyArgs { Dom = SomeDomain });
        AssertError(destroy.Error(), ErrorCode.OperationDenied, ErrorDomain.Domain, "operation forbidden: read only access prevents virDomainDestroy");
        ReceivedFrame guestInfo = await client.CallAsync(Procedure.DomainGetGuestInfo, new DomainGetGuestInfoArgs { Dom = SomeDomain });
        AssertError(guestInfo.Error(), ErrorCode.OperationDenied, ErrorDomain.Domain, "operation forbidden: read only access prevents virDomainGetGuestInfo");

        ReceivedFrame plain = await client.CallAsync(Procedure.DomainGetXmlDesc, new DomainGetXmlDescArgs { Dom = SomeDomain, Flags = 0 });
        Assert.Equal("<domain/>", plain.Decode<DomainGetXmlDescRet>().Xml);
        foreach (uint flags in new uint[] { 1, 8 })
        {
            ReceivedFrame secure = await client.CallAsync(Procedure.DomainGetXmlDesc, new DomainGetXmlDescArgs { Dom = SomeDomain, Flags = flags });
            AssertError(secure.Error(), ErrorCode.OperationDenied, ErrorDomain.Domain, "operation forbidden: virDomainGetXMLDesc with secure flag");
        }
    }

    [Fact]
    public async Task ReadWriteConnectionsMayDestroy()
    {
        await using var server = new LibvirtServer(new GateBackend());
        await using WireClient client = WireClient.Connect(server);
        await client.OpenAsync();
        ReceivedFrame destroy = await client.CallAsync(Procedure.DomainDestroy, new DomainDestroyArgs { Dom = SomeDomain });
        Assert.Equal(VirNetMessageStatus.Ok, destroy.Header.Status);
    }

    internal static void AssertError(VirNetMessageError error, ErrorCode code, ErrorDomain domain, string message)
    {
        Assert.Equal(message, error.Message);
        Assert.Equal(code, (ErrorCode)error.Code);
        Assert.Equal(domain, (ErrorDomain)error.Domain);
    }
}
