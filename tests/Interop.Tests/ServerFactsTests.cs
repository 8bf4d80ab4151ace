using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>
/// How libvirtd 9.0.0 answers the calls a server must refuse, observed frame by frame: read-only refusals, a driver
/// that lacks an API, calls before authentication, and a second CONNECT_OPEN. Our server is held to the same
/// expectations, so each fact here is stated as the error code, domain and text the daemon sends.
/// </summary>
public sealed class ServerFactsTests
{
    [Fact]
    public async Task ReadOnlySocketRefusesMutatingCallsWithTheProcedureTablesMessage()
    {
        await using PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync();
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectUnixAsync(daemon.ReadOnlySocketPath);
        var session = new RawSession(pipe);

        // Flags 0: the daemon makes the connection read-only because of the socket, not because we asked.
        await session.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default", Flags = 0 });
        NonnullDomain test = (await session.CallAsync<DomainLookupByNameArgs, DomainLookupByNameRet>(
            Procedure.DomainLookupByName, new DomainLookupByNameArgs { Name = "test" })).Dom;

        VirNetMessageError destroy = await session.CallFailingAsync(Procedure.DomainDestroy, new DomainDestroyArgs { Dom = test });
        AssertRefusal(destroy, Procedure.DomainDestroy, "operation forbidden: read only access prevents virDomainDestroy");

        VirNetMessageError guestInfo = await session.CallFailingAsync(Procedure.DomainGetGuestInfo, new DomainGetGuestInfoArgs { Dom = test });
        AssertRefusal(guestInfo, Procedure.DomainGetGuestInfo, "operation forbidden: read only access prevents virDomainGetGuestInfo");

        // GetXMLDesc: plain is allowed, SECURE (1) and MIGRATABLE (8) are refused with a message of its own.
        string xml = (await session.CallAsync<DomainGetXmlDescArgs, DomainGetXmlDescRet>(
            Procedure.DomainGetXmlDesc, new DomainGetXmlDescArgs { Dom = test, Flags = 0 })).Xml;
        Assert.Contains("<name>test</name>", xml, StringComparison.Ordinal);
        foreach (uint flags in new uint[] { 1, 8 })
        {
            VirNetMessageError secure = await session.CallFailingAsync(Procedure.DomainGetXmlDesc, new DomainGetXmlDescArgs { Dom = test, Flags = flags });
            AssertRefusal(secure, Procedure.DomainGetXmlDesc, "operation forbidden: virDomainGetXMLDesc with secure flag");
        }

        ConnectGetHostnameRet hostname = await session.CallAsync<ConnectGetHostnameRet>(Procedure.ConnectGetHostname);
        Assert.False(string.IsNullOrEmpty(hostname.Hostname));
        await session.CallVoidAsync(Procedure.ConnectClose);
        await session.ExpectClosedAsync();
    }

    [Fact]
    public async Task ApiTheTestDriverLacksIsNoSupportNamingThePublicApi()
    {
        await using PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync();
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectUnixAsync(daemon.SocketPath);
        var session = new RawSession(pipe);
        await session.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        NonnullDomain test = (await session.CallAsync<DomainLookupByNameArgs, DomainLookupByNameRet>(
            Procedure.DomainLookupByName, new DomainLookupByNameArgs { Name = "test" })).Dom;

        VirNetMessageError guestInfo = await session.CallFailingAsync(Procedure.DomainGetGuestInfo, new DomainGetGuestInfoArgs { Dom = test });
        Assert.Equal(ErrorCode.NoSupport, (ErrorCode)guestInfo.Code);
        Assert.Equal(ErrorDomain.Domain, (ErrorDomain)guestInfo.Domain);
        Assert.Equal("this function is not supported by the connection driver: virDomainGetGuestInfo", guestInfo.Message);
        Assert.Equal(Info(Procedure.DomainGetGuestInfo).ErrorDomain, guestInfo.Domain);

        VirNetMessageError sev = await session.CallFailingAsync(Procedure.NodeGetSevInfo, new NodeGetSevInfoArgs { Nparams = 16 });
        Assert.Equal(ErrorCode.NoSupport, (ErrorCode)sev.Code);
        Assert.Equal(ErrorDomain.Domain, (ErrorDomain)sev.Domain);
        Assert.Equal("this function is not supported by the connection driver: virNodeGetSEVInfo", sev.Message);
        await session.CallVoidAsync(Procedure.ConnectClose);
        await session.ExpectClosedAsync();
    }

    [Fact]
    public async Task CallsBeforeAuthenticationAreRefusedButUnknownProceduresAreReportedFirst()
    {
        await using PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync(authUnixRw: "sasl");
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectUnixAsync(daemon.SocketPath);
        var session = new RawSession(pipe);
        AuthListRet auth = await session.CallAsync<AuthListRet>(Procedure.AuthList);
        Assert.Equal([AuthType.Sasl], auth.Types);

        VirNetMessageError open = await session.CallFailingAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        AssertRpcError(open, "authentication required");
        VirNetMessageError feature = await session.CallFailingAsync(Procedure.ConnectSupportsFeature, new ConnectSupportsFeatureArgs { Feature = 10 });
        AssertRpcError(feature, "authentication required");
        VirNetMessageError unknown = await session.CallFailingAsync((Procedure)9999, default(XdrVoid));
        AssertRpcError(unknown, "unknown procedure: 9999");
    }

    [Fact]
    public async Task SecondConnectOpenFailsAndClosesTheHypervisorConnection()
    {
        await using PrivateLibvirtd daemon = await PrivateLibvirtd.StartAsync();
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectUnixAsync(daemon.SocketPath);
        var session = new RawSession(pipe);
        await session.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });

        VirNetMessageError second = await session.CallFailingAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" });
        Assert.Equal(ErrorCode.InternalError, (ErrorCode)second.Code);
        Assert.Equal(ErrorDomain.Rpc, (ErrorDomain)second.Domain);
        Assert.Equal("internal error: connection already open", second.Message);

        VirNetMessageError after = await session.CallFailingAsync(Procedure.ConnectGetHostname, default(XdrVoid));
        Assert.Equal(ErrorCode.InternalError, (ErrorCode)after.Code);
        Assert.Equal(ErrorDomain.Rpc, (ErrorDomain)after.Domain);
        Assert.Equal("internal error: hypervisor connection not open", after.Message);

        // The socket stays usable: CONNECT_CLOSE still succeeds and ends the session.
        await session.CallVoidAsync(Procedure.ConnectClose);
        await session.ExpectClosedAsync();
    }

    private static ProcedureInfo Info(Procedure procedure)
        => RemoteProtocol.Procedures.TryGet((int)procedure, out ProcedureInfo? info) ? info : throw new InvalidOperationException(procedure.ToString());

    private static void AssertRefusal(VirNetMessageError error, Procedure procedure, string message)
    {
        ProcedureInfo info = Info(procedure);
        Assert.Equal(ErrorCode.OperationDenied, (ErrorCode)error.Code);
        Assert.Equal(ReadOnlyPolicy.ErrorCode, error.Code);
        Assert.Equal(ErrorDomain.Domain, (ErrorDomain)error.Domain);
        Assert.Equal(info.ErrorDomain, error.Domain);
        Assert.Equal(message, error.Message);
        Assert.Equal(info.ReadOnly.Message, error.Message);
    }

    private static void AssertRpcError(VirNetMessageError error, string message)
    {
        Assert.Equal(ErrorCode.Rpc, (ErrorCode)error.Code);
        Assert.Equal(ErrorDomain.Rpc, (ErrorDomain)error.Domain);
        Assert.Equal(message, error.Message);
    }
}
