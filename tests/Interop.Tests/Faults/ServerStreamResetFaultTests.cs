using LibvirtRemote.Client;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using LibvirtRemote.Transport.Framing;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// Clients vanish in the middle of a volume download and of an upload — python3-libvirt SIGKILLed, or a raw client
/// resetting its TCP socket — and our server ends the stream's work, drops the client and goes on serving streams.
/// (libvirtd 9.0.0 itself can crash on this; see FACTS.md.)
/// </summary>
public sealed class ServerStreamResetFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Pool = "faults";
    private const string Volume = "endless";

    private const string StreamingClient = """
        import libvirt, sys
        libvirt.registerErrorHandler(lambda *_: None, None)
        uri, mode = sys.argv[1], sys.argv[2]
        c = libvirt.open(uri)
        v = c.storagePoolLookupByName('faults').storageVolLookupByName('endless')
        st = c.newStream(0)
        buf = b'\x5a' * 262144
        if mode == 'download':
            v.download(st, 0, 0, 0)
        else:
            v.upload(st, 0, 0, 0)
        total = 0
        said = False
        while True:
            if mode == 'download':
                data = st.recv(262144)
                if not data:
                    print('END', flush=True)
                    break
                total += len(data)
            else:
                st.send(buf)
                total += len(buf)
            if total >= 8 << 20 and not said:
                print('STREAMING', flush=True)
                said = True
        """;

    private readonly StreamFaultBackend _backend = new();
    private FaultServer _server = null!;

    public Task InitializeAsync()
    {
        _server = FaultServer.Start(_backend);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("download", "unix")]
    [InlineData("download", "tcp")]
    [InlineData("upload", "unix")]
    [InlineData("upload", "tcp")]
    public async Task KilledPythonClientMidStreamIsDropped(string direction, string transport)
    {
        await using (FaultProcess python = FaultProcess.Python(StreamingClient, transport == "unix" ? _server.UnixUri : _server.TcpUri, direction))
        {
            await python.WaitForLineAsync("STREAMING").Within();
            Assert.Equal(1, _backend.Active);
            await python.KillAsync().Within();
            await AssertDroppedAsync($"python {direction} over {transport} SIGKILLed");
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task ResetMidDownloadIsDropped()
    {
        await using (RawWire raw = await RawWire.ConnectTcpAsync(_server.TcpPort))
        {
            await raw.CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).Within();
            await raw.SendAsync(Procedure.StorageVolDownload, new StorageVolDownloadArgs { Vol = Vol }).Within();
            long received = 0;
            while (received < 8 << 20)
            {
                Frame? frame = await raw.ReadAsync().Within();
                Assert.True(frame.HasValue, "the server closed the download");
                if (frame.Value.Header.Type == VirNetMessageType.Stream)
                {
                    received += frame.Value.Body.Length;
                }
            }

            Assert.Equal(1, _backend.Active);
            raw.Reset();
            await AssertDroppedAsync("raw download reset");
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task ResetMidUploadIsDropped()
    {
        await using (RawWire raw = await RawWire.ConnectTcpAsync(_server.TcpPort))
        {
            await raw.CallAsync(Procedure.ConnectOpen, new ConnectOpenArgs { Name = "test:///default" }).Within();
            await raw.CallAsync(Procedure.StorageVolUpload, new StorageVolUploadArgs { Vol = Vol }).Within();
            uint serial = 1;
            byte[] chunk = new byte[262120];
            for (int i = 0; i < 32; i++)
            {
                await raw.SendStreamDataAsync(Procedure.StorageVolUpload, serial, chunk).Within();
            }

            while (_backend.Received < 4 << 20)
            {
                await Task.Delay(5);
            }

            Assert.Equal(1, _backend.Active);
            raw.Reset();
            await AssertDroppedAsync("raw upload reset");
        }

        await AssertStillServesAsync();
    }

    private static NonnullStorageVol Vol => new() { Pool = Pool, Name = Volume, Key = $"/{Pool}/{Volume}" };

    private async Task AssertDroppedAsync(string fault)
    {
        TimeSpan gone = await _server.WaitForClientsAsync(0).Within();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (_backend.Active != 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the stream's work is still running after its client left");
            await Task.Delay(5);
        }

        output.WriteLine($"{fault}: client dropped after {gone.TotalMilliseconds:F1} ms, stream work ended {clock.Elapsed.TotalMilliseconds:F1} ms later (sent {_backend.Sent}, received {_backend.Received} bytes)");
        Assert.True(gone < FaultBounds.Prompt, $"the server kept the dead client for {gone.TotalMilliseconds:F0} ms");
    }

    private async Task AssertStillServesAsync()
    {
        await using (LibvirtConnection ours = await LibvirtConnection.OpenAsync(_server.UnixUri).Within())
        {
            StoragePoolLookupByNameRet pool = await ours.CallAsync<StoragePoolLookupByNameArgs, StoragePoolLookupByNameRet>(
                Procedure.StoragePoolLookupByName, new StoragePoolLookupByNameArgs { Name = Pool }).AsTask().Within();
            NonnullStorageVol volume = (await ours.CallAsync<StorageVolLookupByNameArgs, StorageVolLookupByNameRet>(
                Procedure.StorageVolLookupByName, new StorageVolLookupByNameArgs { Pool = pool.Pool, Name = Volume }).AsTask().Within()).Vol;
            LibvirtStream download = await ours.StorageVolDownloadAsync(volume, 0, 1 << 20, 0).Within();
            await using (download)
            {
                var all = new MemoryStream();
                await download.CopyToAsync(all).Within();
                Assert.Equal(1 << 20, all.Length);
                await download.FinishAsync().Within();
            }

            LibvirtStream upload = await ours.StorageVolUploadAsync(volume, 0, 0, 0).Within();
            await using (upload)
            {
                await upload.WriteAsync(new byte[1 << 20]).AsTask().Within();
                await upload.FinishAsync().Within();
            }

            Assert.Equal(Environment.MachineName, await ours.GetHostnameAsync().Within());
        }

        await _server.WaitForClientsAsync(0).Within();
        Assert.Equal(0, _backend.Active);
        _server.AssertNoHandlerFailures();
    }
}
