using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Sockets;
using LibvirtRemote.Xdr;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Every API libvirt refuses on a read-only connection, called on the read-only socket of libvirtd 9.0.0 and of our
/// server: both must answer with the same error code, domain and message. Calls carry an all-zero body, which decodes
/// as empty strings, zero numbers, empty arrays and absent optionals for any argument type, so the daemon gets as far
/// as the public API's read-only check. Procedures newer than 9.0.0 are held to the procedure table's rule alone.
/// </summary>
public sealed class ReadOnlyGateSweepTests
{
    /// <summary>The last remote procedure libvirt 9.0.0 knows.</summary>
    private const int LastIn900 = 443;

    private static readonly byte[] Zeros = new byte[1024];

    [Fact]
    public async Task EveryUnconditionallyDeniedApiIsRefusedAsByLibvirtd()
    {
        await using SessionPair pair = await SessionPair.OpenAsync(readOnly: true);
        (RawSession theirs, RawSession mine) = (pair.Theirs, pair.Mine);

        var programs = new (uint Program, ProcedureTable Table, int LastIn900)[]
        {
            ((uint)RemoteProtocol.RemoteProgram, RemoteProtocol.Procedures, LastIn900),
            ((uint)QemuProtocol.QemuProgram, QemuProtocol.Procedures, 7),
            ((uint)LxcProtocol.LxcProgram, LxcProtocol.Procedures, 1),
        };
        var differences = new List<string>();
        int compared = 0;
        int checkedAlone = 0;
        foreach ((uint program, ProcedureTable table, int last) in programs)
        {
            foreach (ProcedureInfo info in table.All.Where(p => p.ReadOnly.Rule == ReadOnlyRule.Deny))
            {
                string expected = $"29 {info.ErrorDomain} {info.ReadOnly.Message}";
                string actual = Describe(await mine.CallRawAsync(program, 1, info.Number, Zeros).Within());
                if (info.Number <= last)
                {
                    expected = Describe(await theirs.CallRawAsync(program, 1, info.Number, Zeros).Within());
                    compared++;
                }
                else
                {
                    checkedAlone++;
                }

                if (actual != expected)
                {
                    differences.Add($"{info.Name}: libvirtd '{expected}', ours '{actual}'");
                }
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.Equal(208, compared + checkedAlone);
        Assert.True(compared > 190, $"only {compared} compared with libvirtd");
    }

    [Fact]
    public async Task EveryFlagDependentRefusalMatchesLibvirtd()
    {
        await using SessionPair pair = await SessionPair.OpenAsync(readOnly: true);
        (RawSession theirs, RawSession mine) = (pair.Theirs, pair.Mine);

        var dom = new NonnullDomain { Name = "test", Uuid = new byte[16], Id = -1 };
        var calls = new (Procedure Procedure, uint Denying, Func<uint, byte[]> Body)[]
        {
            (Procedure.DomainGetXmlDesc, 1, f => RawSession.Encode(new DomainGetXmlDescArgs { Dom = dom, Flags = f })),
            (Procedure.DomainGetXmlDesc, 8, f => RawSession.Encode(new DomainGetXmlDescArgs { Dom = dom, Flags = f })),
            (Procedure.DomainSnapshotGetXmlDesc, 1, f => RawSession.Encode(new DomainSnapshotGetXmlDescArgs { Snap = new NonnullDomainSnapshot { Name = "s", Dom = dom }, Flags = f })),
            (Procedure.DomainCheckpointGetXmlDesc, 1, f => RawSession.Encode(new DomainCheckpointGetXmlDescArgs { Checkpoint = new NonnullDomainCheckpoint { Name = "c", Dom = dom }, Flags = f })),
            (Procedure.DomainManagedSaveGetXmlDesc, 1, f => RawSession.Encode(new DomainManagedSaveGetXmlDescArgs { Dom = dom, Flags = f })),
            (Procedure.DomainGetVcpusFlags, 8, f => RawSession.Encode(new DomainGetVcpusFlagsArgs { Dom = dom, Flags = f })),
            (Procedure.DomainInterfaceAddresses, 1, s => RawSession.Encode(new DomainInterfaceAddressesArgs { Dom = dom, Source = s })),
        };
        var differences = new List<string>();
        foreach ((Procedure procedure, uint denying, Func<uint, byte[]> body) in calls)
        {
            ProcedureInfo info = RemoteProtocol.Procedures.TryGet((int)procedure, out ProcedureInfo? found) ? found : throw new InvalidOperationException(procedure.ToString());
            string expected = Describe(await theirs.CallRawAsync((uint)RemoteProtocol.RemoteProgram, 1, (int)procedure, body(denying)).Within());
            string actual = Describe(await mine.CallRawAsync((uint)RemoteProtocol.RemoteProgram, 1, (int)procedure, body(denying)).Within());
            if (actual != expected || !expected.StartsWith($"29 {info.ErrorDomain} {info.ReadOnly.Message}", StringComparison.Ordinal))
            {
                differences.Add($"{procedure} {denying}: libvirtd '{expected}', ours '{actual}'");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ArgumentsTheApiChecksFirstAreRefusedBeforeTheReadOnlyCheckAndTheDriver(bool readOnly)
    {
        await using SessionPair pair = await SessionPair.OpenAsync(readOnly);
        (RawSession theirs, RawSession mine) = (pair.Theirs, pair.Mine);

        var dom = new NonnullDomain { Name = "test", Uuid = new byte[16], Id = -1 };
        var calls = new (uint Program, int Procedure, byte[] Body)[]
        {
            ((uint)RemoteProtocol.RemoteProgram, (int)Procedure.DomainSendProcessSignal, Zeros),
            ((uint)RemoteProtocol.RemoteProgram, (int)Procedure.DomainRename, Zeros),
            ((uint)RemoteProtocol.RemoteProgram, (int)Procedure.DomainRename, RawSession.Encode(new DomainRenameArgs { Dom = dom, NewName = string.Empty })),
            ((uint)RemoteProtocol.RemoteProgram, (int)Procedure.ConnectBaselineHypervisorCpu, Zeros),
            ((uint)RemoteProtocol.RemoteProgram, (int)Procedure.DomainSetLaunchSecurityState, Zeros),
            ((uint)RemoteProtocol.RemoteProgram, (int)Procedure.DomainFdAssociate, Zeros),
            ((uint)RemoteProtocol.RemoteProgram, (int)Procedure.DomainOpenGraphics, Zeros),
            ((uint)QemuProtocol.QemuProgram, (int)QemuProcedure.DomainAttach, Zeros),
        };
        var differences = new List<string>();
        foreach ((uint program, int procedure, byte[] body) in calls)
        {
            string expected = Describe(await theirs.CallRawAsync(program, 1, procedure, body).Within());
            string actual = Describe(await mine.CallRawAsync(program, 1, procedure, body).Within());
            if (actual != expected || expected.StartsWith("29 ", StringComparison.Ordinal))
            {
                differences.Add($"{program:x} {procedure}: libvirtd '{expected}', ours '{actual}'");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    private static async Task<RawSession> OpenAsync(StreamDuplexPipe pipe)
    {
        var session = new RawSession(pipe);
        await session.CallVoidAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).Within();
        return session;
    }

    /// <summary>An opened raw session on libvirtd's socket and one on ours, read-only or read-write alike.</summary>
    private sealed class SessionPair : IAsyncDisposable
    {
        private readonly PrivateLibvirtd _libvirtd;
        private readonly OurServer _ours;
        private readonly StreamDuplexPipe _theirPipe;
        private readonly StreamDuplexPipe _ourPipe;

        private SessionPair(PrivateLibvirtd libvirtd, OurServer ours, StreamDuplexPipe theirPipe, StreamDuplexPipe ourPipe, RawSession theirs, RawSession mine)
        {
            (_libvirtd, _ours, _theirPipe, _ourPipe) = (libvirtd, ours, theirPipe, ourPipe);
            (Theirs, Mine) = (theirs, mine);
        }

        public RawSession Theirs { get; }

        public RawSession Mine { get; }

        public static async Task<SessionPair> OpenAsync(bool readOnly)
        {
            PrivateLibvirtd libvirtd = await PrivateLibvirtd.StartAsync().Within();
            OurServer ours = await OurServer.StartAsync().Within();
            StreamDuplexPipe theirPipe = await StreamDuplexPipe.ConnectUnixAsync(readOnly ? libvirtd.ReadOnlySocketPath : libvirtd.SocketPath).Within();
            StreamDuplexPipe ourPipe = await StreamDuplexPipe.ConnectUnixAsync(readOnly ? ours.ReadOnlySocket : ours.Socket).Within();
            return new SessionPair(libvirtd, ours, theirPipe, ourPipe, await ReadOnlyGateSweepTests.OpenAsync(theirPipe), await ReadOnlyGateSweepTests.OpenAsync(ourPipe));
        }

        public async ValueTask DisposeAsync()
        {
            await _ourPipe.DisposeAsync();
            await _theirPipe.DisposeAsync();
            await _ours.DisposeAsync();
            await _libvirtd.DisposeAsync();
        }
    }

    private static string Describe((VirNetMessageStatus Status, byte[] Body) reply)
        => reply.Status != VirNetMessageStatus.Error ? $"status {reply.Status}" : RawSession.ErrorText(reply.Body);
}
