using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Event registration calls as a raw client sends them (libvirt's own client merges duplicate registrations before
/// they reach the server, other clients do not): duplicates, object filters, old-style registrations, out-of-range
/// event IDs and deregistering twice, answered by libvirtd 9.0.0 and by our server, reply by reply.
/// </summary>
public sealed class EventRegistrationParityTests
{
    private static readonly NonnullDomain TestDomain = new() { Name = "test", Uuid = Convert.FromHexString("6695eb01f6a4830479aa97f2502e193f"), Id = 1 };

    [Fact]
    public async Task RegistrationRepliesMatchLibvirtd()
    {
        await using PrivateLibvirtd libvirtd = await PrivateLibvirtd.StartAsync().Within();
        await using OurServer ours = await OurServer.StartAsync().Within();
        string expected = await RegisterAllAsync(libvirtd.SocketPath);
        string actual = await RegisterAllAsync(ours.Socket);
        Assert.Equal(expected, actual);

        // Guards against both sides failing the same way before the calls that matter.
        Assert.Contains("domain-callback-0 again: 8 ", actual, StringComparison.Ordinal);
        Assert.Contains("legacy-any-16: 1 ", actual, StringComparison.Ordinal);
        Assert.Contains("legacy-deregister again: ok ", actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VirshEventCommandsRegisterAlike()
    {
        // The test driver has neither a QEMU monitor nor a secret driver: both registrations are refused.
        string output = await TestDriverPair.VirshSameOnFreshPairAsync("qemu-monitor-event --timeout 1; secret-event --event lifecycle --timeout 1; event --all --timeout 1");
        Assert.Contains("virConnectDomainQemuMonitorEventRegister", output, StringComparison.Ordinal);
        Assert.Contains("virConnectSecretEventRegisterAny", output, StringComparison.Ordinal);
        Assert.Contains("events received: 0", output, StringComparison.Ordinal);
    }

    private static async Task<string> RegisterAllAsync(string socket)
    {
        await using StreamDuplexPipe pipe = await StreamDuplexPipe.ConnectUnixAsync(socket).Within();
        var session = new RawSession(pipe);
        await session.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).Within();
        var lines = new List<string>();
        async Task Call<T>(string label, Procedure procedure, T args)
            where T : IXdrType<T>
            => lines.Add($"{label}: {Describe(await session.CallRawAsync((uint)RemoteProtocol.RemoteProgram, 1, (int)procedure, RawSession.Encode(args)).Within())}");
        async Task CallEmpty(string label, Procedure procedure)
            => lines.Add($"{label}: {Describe(await session.CallRawAsync((uint)RemoteProtocol.RemoteProgram, 1, (int)procedure, []).Within())}");

        foreach (int id in new[] { 0, 0, 3, 26, -1 })
        {
            await Call($"domain-callback-{id}{(id == 0 && lines.Count == 1 ? " again" : string.Empty)}", Procedure.ConnectDomainEventCallbackRegisterAny, new ConnectDomainEventCallbackRegisterAnyArgs { EventID = id });
        }

        await Call("domain-callback-0 filtered", Procedure.ConnectDomainEventCallbackRegisterAny, new ConnectDomainEventCallbackRegisterAnyArgs { EventID = 0, Dom = TestDomain });
        await Call("domain-callback-0 filtered again", Procedure.ConnectDomainEventCallbackRegisterAny, new ConnectDomainEventCallbackRegisterAnyArgs { EventID = 0, Dom = TestDomain });
        foreach (int id in new[] { 0, 1, 1, 15, 16, -1 })
        {
            await Call($"legacy-any-{id}", Procedure.ConnectDomainEventRegisterAny, new ConnectDomainEventRegisterAnyArgs { EventID = id });
        }

        await CallEmpty("legacy-register", Procedure.ConnectDomainEventRegister);
        await CallEmpty("legacy-register again", Procedure.ConnectDomainEventRegister);
        await Call("legacy-deregister-any-1", Procedure.ConnectDomainEventDeregisterAny, new ConnectDomainEventDeregisterAnyArgs { EventID = 1 });
        await Call("legacy-deregister-any-1 again", Procedure.ConnectDomainEventDeregisterAny, new ConnectDomainEventDeregisterAnyArgs { EventID = 1 });
        await Call("legacy-deregister-any-2", Procedure.ConnectDomainEventDeregisterAny, new ConnectDomainEventDeregisterAnyArgs { EventID = 2 });
        await CallEmpty("legacy-deregister", Procedure.ConnectDomainEventDeregister);
        await CallEmpty("legacy-deregister again", Procedure.ConnectDomainEventDeregister);
        await CallEmpty("legacy-deregister third", Procedure.ConnectDomainEventDeregister);
        await Call("domain-callback-deregister-0", Procedure.ConnectDomainEventCallbackDeregisterAny, new ConnectDomainEventCallbackDeregisterAnyArgs { CallbackID = 0 });
        await Call("domain-callback-deregister-0 again", Procedure.ConnectDomainEventCallbackDeregisterAny, new ConnectDomainEventCallbackDeregisterAnyArgs { CallbackID = 0 });
        await Call("domain-callback-deregister-999", Procedure.ConnectDomainEventCallbackDeregisterAny, new ConnectDomainEventCallbackDeregisterAnyArgs { CallbackID = 999 });
        foreach (int id in new[] { 0, 0, 2 })
        {
            await Call($"network-{id}", Procedure.ConnectNetworkEventRegisterAny, new ConnectNetworkEventRegisterAnyArgs { EventID = id });
        }

        foreach (int id in new[] { 0, 0, 1, 2 })
        {
            await Call($"pool-{id}", Procedure.ConnectStoragePoolEventRegisterAny, new ConnectStoragePoolEventRegisterAnyArgs { EventID = id });
        }

        foreach (int id in new[] { 0, 0, 1, 2 })
        {
            await Call($"nodedev-{id}", Procedure.ConnectNodeDeviceEventRegisterAny, new ConnectNodeDeviceEventRegisterAnyArgs { EventID = id });
        }

        foreach (int id in new[] { 0, 2 })
        {
            await Call($"secret-{id}", Procedure.ConnectSecretEventRegisterAny, new ConnectSecretEventRegisterAnyArgs { EventID = id });
        }

        await Call("network-deregister-999", Procedure.ConnectNetworkEventDeregisterAny, new ConnectNetworkEventDeregisterAnyArgs { CallbackID = 999 });
        return string.Join("\n", lines);
    }

    private static string Describe((VirNetMessageStatus Status, byte[] Body) reply)
        => reply.Status != VirNetMessageStatus.Error ? $"ok {Convert.ToHexString(reply.Body)}" : RawSession.ErrorText(reply.Body);
}
