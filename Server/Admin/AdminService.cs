using System.Globalization;
using System.Net;
using LibvirtRemote.Protocol;
using LibvirtRemote.Server.Connections;
using LibvirtRemote.Server.Dispatch;

namespace LibvirtRemote.Server.Admin;

/// <summary>
/// libvirtd's admin program (9.0.0) over the server's real state: its two servers, their clients and limits, the log
/// settings and the idle shutdown. Errors, their domains and the order of checks follow libvirtd's admin dispatcher.
/// </summary>
internal sealed class AdminService(LibvirtServer server, ClientConnection self) : AdminHandlers
{
    private const ulong LibraryVersion = 9_000_000;

    public override ValueTask AdminConnectOpenAsync(ServerCall call, AdminConnectOpenArgs args)
    {
        CheckFlags(args.Flags, "adminDispatchConnectOpen");
        return ValueTask.CompletedTask;
    }

    public override ValueTask AdminConnectCloseAsync(ServerCall call) => ValueTask.CompletedTask;

    public override ValueTask<AdminConnectGetLibVersionRet> AdminConnectGetLibVersionAsync(ServerCall call)
        => new(new AdminConnectGetLibVersionRet { LibVer = LibraryVersion });

    public override ValueTask<AdminConnectListServersRet> AdminConnectListServersAsync(ServerCall call, AdminConnectListServersArgs args)
    {
        CheckFlags(args.Flags, "adminConnectListServers");
        IReadOnlyList<DaemonServer> all = server.DaemonServers;
        return new(new AdminConnectListServersRet
        {
            Servers = args.NeedResults != 0 ? [.. all.Select(s => new AdminNonnullServer { Name = s.Name })] : [],
            Ret = (uint)all.Count,
        });
    }

    public override ValueTask<AdminConnectLookupServerRet> AdminConnectLookupServerAsync(ServerCall call, AdminConnectLookupServerArgs args)
    {
        CheckFlags(args.Flags, "adminConnectLookupServer");
        return new(new AdminConnectLookupServerRet { Srv = new AdminNonnullServer { Name = Lookup(args.Name).Name } });
    }

    public override ValueTask<AdminServerGetThreadpoolParametersRet> AdminServerGetThreadpoolParametersAsync(ServerCall call, AdminServerGetThreadpoolParametersArgs args)
    {
        DaemonServer target = Lookup(args.Srv.Name);
        CheckFlags(args.Flags, "adminServerGetThreadPoolParameters");
        (uint min, uint max, uint workers, uint prio) = target.Pool;
        // Calls running now occupy workers in libvirtd, this one included.
        uint busy = (uint)server.ClientsOf(target).Sum(c => c.CallsInFlight);
        return new(new AdminServerGetThreadpoolParametersRet
        {
            Params =
            [
                UInt("minWorkers", min),
                UInt("maxWorkers", max),
                UInt("nWorkers", workers),
                UInt("freeWorkers", workers > busy ? workers - busy : 0),
                UInt("prioWorkers", prio),
                UInt("jobQueueDepth", 0),
            ],
        });
    }

    public override ValueTask AdminServerSetThreadpoolParametersAsync(ServerCall call, AdminServerSetThreadpoolParametersArgs args)
    {
        DaemonServer target = LookupForChange(args.Srv.Name);
        CheckFlags(args.Flags, "adminServerSetThreadPoolParameters");
        Validate(args.Params, "minWorkers", "maxWorkers", "prioWorkers");
        target.SetPool(Get(args.Params, "minWorkers"), Get(args.Params, "maxWorkers"), Get(args.Params, "prioWorkers"));
        return ValueTask.CompletedTask;
    }

    public override ValueTask<AdminServerListClientsRet> AdminServerListClientsAsync(ServerCall call, AdminServerListClientsArgs args)
    {
        DaemonServer target = Lookup(args.Srv.Name);
        CheckFlags(args.Flags, "adminServerListClients");
        ClientConnection[] clients = server.ClientsOf(target);
        return new(new AdminServerListClientsRet
        {
            Clients = args.NeedResults != 0 ? [.. clients.Select(c => Describe(target, c))] : [],
            Ret = (uint)clients.Length,
        });
    }

    public override ValueTask<AdminServerLookupClientRet> AdminServerLookupClientAsync(ServerCall call, AdminServerLookupClientArgs args)
    {
        DaemonServer target = Lookup(args.Srv.Name);
        ClientConnection client = FindClient(target, args.Id);
        CheckFlags(args.Flags, "adminServerLookupClient");
        return new(new AdminServerLookupClientRet { Clnt = Describe(target, client) });
    }

    public override ValueTask<AdminClientGetInfoRet> AdminClientGetInfoAsync(ServerCall call, AdminClientGetInfoArgs args)
    {
        DaemonServer target = LookupForChange(args.Clnt.Srv.Name);
        ClientConnection client = server.ClientsOf(target).FirstOrDefault(c => c.AdminId == args.Clnt.Id)
            ?? throw new LibvirtErrorException(ErrorCode.NoClient, ErrorDomain.Admin, $"Client not found: no client with matching id '{args.Clnt.Id}' found");
        CheckFlags(args.Flags, "adminClientGetInfo");
        return new(new AdminClientGetInfoRet { Params = ClientInfo.Describe(client.Context) });
    }

    public override async ValueTask AdminClientCloseAsync(ServerCall call, AdminClientCloseArgs args)
    {
        DaemonServer target = Lookup(args.Clnt.Srv.Name);
        ClientConnection client = FindClient(target, args.Clnt.Id);
        CheckFlags(args.Flags, "adminClientClose");
        if (ReferenceEquals(client, self))
        {
            // Closing itself: the reply still goes out first, as libvirtd's delayed close lets it.
            client.CloseAfterReply();
            return;
        }

        // libvirtd has shut the client's socket by the time it answers, so the peer sees end of file at once
        // and a caller that acts on the reply finds the client gone.
        await client.DisposeAsync().ConfigureAwait(false);
    }

    public override ValueTask<AdminServerGetClientLimitsRet> AdminServerGetClientLimitsAsync(ServerCall call, AdminServerGetClientLimitsArgs args)
    {
        DaemonServer target = Lookup(args.Srv.Name);
        CheckFlags(args.Flags, "adminServerGetClientLimits");
        (uint max, uint maxUnauth) = target.Limits;
        (int clients, int unauth) = server.CountClients(target);
        return new(new AdminServerGetClientLimitsRet
        {
            Params =
            [
                UInt("nclients_max", max),
                UInt("nclients", (uint)clients),
                UInt("nclients_unauth_max", maxUnauth),
                UInt("nclients_unauth", (uint)unauth),
            ],
        });
    }

    public override ValueTask AdminServerSetClientLimitsAsync(ServerCall call, AdminServerSetClientLimitsArgs args)
    {
        DaemonServer target = LookupForChange(args.Srv.Name);
        CheckFlags(args.Flags, "adminServerSetClientLimits");
        Validate(args.Params, "nclients_max", "nclients_unauth_max");
        target.SetLimits(Get(args.Params, "nclients_max"), Get(args.Params, "nclients_unauth_max"));
        server.ClientLimitsChanged();
        return ValueTask.CompletedTask;
    }

    public override ValueTask<AdminConnectGetLoggingOutputsRet> AdminConnectGetLoggingOutputsAsync(ServerCall call, AdminConnectGetLoggingOutputsArgs args)
    {
        CheckFlags(args.Flags, "adminConnectGetLoggingOutputs");
        (string text, int count) = server.Logging.Outputs;
        return new(new AdminConnectGetLoggingOutputsRet { Outputs = text, Noutputs = (uint)count });
    }

    public override ValueTask<AdminConnectGetLoggingFiltersRet> AdminConnectGetLoggingFiltersAsync(ServerCall call, AdminConnectGetLoggingFiltersArgs args)
    {
        CheckFlags(args.Flags, "adminConnectGetLoggingFilters");
        (string text, int count) = server.Logging.Filters;
        return new(new AdminConnectGetLoggingFiltersRet { Filters = count == 0 ? null : text, Nfilters = (uint)count });
    }

    public override ValueTask AdminConnectSetLoggingOutputsAsync(ServerCall call, AdminConnectSetLoggingOutputsArgs args)
    {
        CheckFlags(args.Flags, "adminConnectSetLoggingOutputs");
        server.Logging.SetOutputs(args.Outputs);
        server.ApplyLogging();
        return ValueTask.CompletedTask;
    }

    public override ValueTask AdminConnectSetLoggingFiltersAsync(ServerCall call, AdminConnectSetLoggingFiltersArgs args)
    {
        CheckFlags(args.Flags, "adminConnectSetLoggingFilters");
        server.Logging.SetFilters(args.Filters);
        return ValueTask.CompletedTask;
    }

    public override ValueTask AdminServerUpdateTlsFilesAsync(ServerCall call, AdminServerUpdateTlsFilesArgs args)
    {
        DaemonServer target = Lookup(args.Srv.Name);
        CheckFlags(args.Flags, "adminServerUpdateTlsFiles");
        if (target.IsAdmin || !server.ReloadTlsFiles())
        {
            throw LibvirtErrorException.Internal("no tls service found, unable to update tls files");
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask AdminConnectSetDaemonTimeoutAsync(ServerCall call, AdminConnectSetDaemonTimeoutArgs args)
    {
        CheckFlags(args.Flags, "adminConnectSetDaemonTimeout");
        server.SetDaemonTimeout(args.Timeout);
        return ValueTask.CompletedTask;
    }

    // libvirt 9.0.0's admin program ends at procedure 19.
    public override ValueTask AdminConnectDaemonShutdownAsync(ServerCall call, AdminConnectDaemonShutdownArgs args)
        => throw LibvirtErrorException.Rpc($"unknown procedure: {call.Procedure}");

    private DaemonServer Lookup(string name)
        => server.FindDaemonServer(name) ?? throw new LibvirtErrorException(ErrorCode.NoServer, ErrorDomain.Rpc, $"Server not found: No server named '{name}'");

    // The setters' and client info's dispatchers report their own, differently worded error over the lookup's.
    private DaemonServer LookupForChange(string name)
        => server.FindDaemonServer(name) ?? throw new LibvirtErrorException(ErrorCode.NoServer, ErrorDomain.Admin, $"Server not found: no server with matching name '{name}' found");

    private ClientConnection FindClient(DaemonServer target, ulong id)
        => server.ClientsOf(target).FirstOrDefault(c => c.AdminId == id)
            ?? throw new LibvirtErrorException(ErrorCode.NoClient, ErrorDomain.Rpc, $"Client not found: No client with matching ID '{id}'");

    private static AdminNonnullClient Describe(DaemonServer target, ClientConnection client) => new()
    {
        Srv = new AdminNonnullServer { Name = target.Name },
        Id = client.AdminId,
        Timestamp = client.Context.ConnectedAt.ToUnixTimeSeconds(),
        Transport = client.Context.Transport switch
        {
            ServerTransport.Tcp => 1u,
            ServerTransport.Tls => 2u,
            _ => 0u,
        },
    };

    private static void CheckFlags(uint flags, string function)
    {
        if (flags != 0)
        {
            throw LibvirtErrorException.InvalidArgument(ErrorDomain.Admin, $"unsupported flags (0x{flags.ToString("x", CultureInfo.InvariantCulture)}) in function {function}");
        }
    }

    private static void Validate(AdminTypedParam[] parameters, params string[] uintFields)
        => TypedParamsValidator.Validate(
            [.. parameters.Select(p => new TypedParam { Field = p.Field, Value = new TypedParamValue { Type = p.Value.Type } })],
            [.. uintFields.Select(f => (f, LibvirtConstants.VirTypedParamUint))]);

    private static long Get(AdminTypedParam[] parameters, string field)
    {
        foreach (AdminTypedParam p in parameters)
        {
            if (p.Field == field)
            {
                return p.Value.Ui;
            }
        }

        return -1;
    }

    private static AdminTypedParam UInt(string field, uint value)
        => new() { Field = field, Value = new AdminTypedParamValue { Type = LibvirtConstants.VirTypedParamUint, Ui = value } };
}
