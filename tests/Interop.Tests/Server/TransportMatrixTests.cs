using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Issue 5's transport matrix: virsh and python3-libvirt, unmodified, run the same command set against our server over
/// every transport and print what they print against libvirtd 9.0.0's test driver (its read-only socket for the
/// read-only case, where every write is refused).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TransportMatrixTests : IClassFixture<TransportMatrixFixture>
{
    /// <summary>argv: URI, the demo domain's XML, "user:password" for SASL or "-".</summary>
    internal const string PythonScript = """
        import sys, hashlib, threading, time, libvirt
        uri, demo, credentials = sys.argv[1], sys.argv[2], sys.argv[3]
        libvirt.registerErrorHandler(lambda ctx, err: None, None)
        libvirt.virEventRegisterDefaultImpl()
        if credentials == '-':
            c = libvirt.open(uri)
        else:
            user, password = credentials.split(':')
            def answer(creds, data):
                for cred in creds:
                    cred[4] = user if cred[0] == libvirt.VIR_CRED_AUTHNAME else password if cred[0] == libvirt.VIR_CRED_PASSPHRASE else ''
                return 0
            c = libvirt.openAuth(uri, [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], answer, None], 0)
        def err(f):
            try: return f()
            except libvirt.libvirtError as e: return ('ERR', e.get_error_code(), e.get_error_domain(), e.get_error_message())
        seen = []
        def on_lifecycle(conn, dom, event, detail, opaque):
            seen.append((dom.name(), event, detail))
        print('callback', c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None) >= 0)
        def loop():
            while True:
                libvirt.virEventRunDefaultImpl()
        threading.Thread(target=loop, daemon=True).start()
        print(c.getVersion(), c.getLibVersion())
        print(c.getURI())
        print(c.getHostname())
        print(c.getInfo())
        print(c.getCapabilities())
        names = lambda: sorted(d.name() for d in c.listAllDomains(0))
        print(names())
        d = c.lookupByName('test')
        print(d.info()[:4], d.state())
        print(d.XMLDesc(0))
        x = err(lambda: c.defineXML(demo))
        defined = not isinstance(x, tuple)
        print('define', x.name() if defined else x)
        demo_domain = lambda: c.lookupByName('demo')
        print('create', err(lambda: demo_domain().create()))
        print(names())
        print('info', err(lambda: demo_domain().info()[:4]), err(lambda: demo_domain().state()))
        print('destroy', err(lambda: demo_domain().destroy()))
        print('undefine', err(lambda: demo_domain().undefine()))
        print(names())
        st = c.newStream(0)
        mime = err(lambda: d.screenshot(st, 0, 0))
        if isinstance(mime, tuple):
            print('screenshot', mime, err(lambda: st.abort()))
        else:
            chunks = []
            st.recvAll(lambda s, data, o: chunks.append(data) or 0, None)
            st.finish()
            image = b''.join(chunks)
            print('screenshot', mime, len(image), hashlib.sha256(image).hexdigest())
        # define, start, destroy, undefine: four lifecycle events when the writes were allowed, none otherwise.
        deadline = time.time() + 10
        while len(seen) < (4 if defined else 0) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        print('events', seen)
        c.close()
        """;

    private readonly TransportMatrixFixture _fixture;

    public TransportMatrixTests(TransportMatrixFixture fixture) => _fixture = fixture;

    public static TheoryData<string> Transports => new() { "unix", "unix-ro", "tcp", "tls", "tls-scram-sha-256", "tcp-digest-md5", "ssh" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task VirshPrintsWhatItPrintsAgainstLibvirtd(string name)
    {
        ClientRun expected = await _fixture.ExpectedAsync("virsh", name == "unix-ro").Within();
        await using MatrixServer server = _fixture.StartServer();
        MatrixTransport transport = server.Transport(name);
        ClientRun actual = await _fixture.RunVirshAsync(transport.Uri, transport.Environment, server.Server).Within();

        Assert.Equal(expected.Output, actual.Output);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.Screenshot, actual.Screenshot);
        Assert.Equal(new HashSet<string> { transport.ServerSees }, server.Clients);

        // Substance, so that two empty or failed runs cannot pass.
        Assert.Contains("Running hypervisor: TEST 0.0.2", actual.Output, StringComparison.Ordinal);
        Assert.Contains("<name>test</name>", actual.Output, StringComparison.Ordinal);
        if (transport.ReadOnly)
        {
            Assert.Contains("error: operation forbidden: read only access prevents virDomainDefineXML", actual.Output, StringComparison.Ordinal);
            Assert.Null(actual.Screenshot);
            Assert.Contains("events received: 0", actual.Events, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Domain 'demo' destroyed", actual.Output, StringComparison.Ordinal);
            Assert.NotNull(actual.Screenshot);
            Assert.Contains("event 'lifecycle' for domain 'demo': Undefined Removed", actual.Events, StringComparison.Ordinal);
            Assert.Contains("events received: 4", actual.Events, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task PythonSeesWhatItSeesAgainstLibvirtd(string name)
    {
        ClientRun expected = await _fixture.ExpectedAsync("python", name == "unix-ro").Within();
        await using MatrixServer server = _fixture.StartServer();
        MatrixTransport transport = server.Transport(name);
        ClientRun actual = await TransportMatrixFixture.RunPythonAsync(transport.Uri, transport.Sasl).Within();

        Assert.Equal(expected.Output, actual.Output);
        Assert.Equal(new HashSet<string> { transport.ServerSees }, server.Clients);
        Assert.Contains("exit 0", actual.Output, StringComparison.Ordinal);
        Assert.Contains("<name>test</name>", actual.Output, StringComparison.Ordinal);
        Assert.Contains(
            transport.ReadOnly
                ? "define ('ERR', 29, 20, 'operation forbidden: read only access prevents virDomainDefineXML')"
                : "events [('demo', 0, 0), ('demo', 2, 0), ('demo', 5, 1), ('demo', 1, 0)]",
            actual.Output,
            StringComparison.Ordinal);
    }
}
