using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// The storage libvirtd is SIGKILLed in the middle of a volume download and of an upload: the stream's next read or
/// write fails with <see cref="ConnectionLostException"/> promptly, and the stream and the connection dispose
/// without hanging.
/// </summary>
public sealed class DaemonStreamResetFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long VolumeSize = 1L << 30; // a sparse file: cheap on disk, far more than moves before the kill
    private PrivateStorageDaemon _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateStorageDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task DownloadFailsTypedWhenTheDaemonDiesMidTransfer()
    {
        await _daemon.CreateVolumeFileAsync("down.img", VolumeSize);
        LibvirtConnection connection = await LibvirtConnection.OpenAsync(_daemon.Uri).Within();
        NonnullStorageVol volume = await LookupVolumeAsync(connection, "down.img");
        LibvirtStream stream = await connection.StorageVolDownloadAsync(volume, 0, 0, 0).Within();

        byte[] buffer = new byte[1 << 20];
        long received = 0;
        while (received < 8 << 20)
        {
            int n = await stream.ReadAsync(buffer).AsTask().Within();
            Assert.True(n > 0, "the download ended early");
            received += n;
        }

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(_daemon.Pid).Kill();

        // What the client had buffered before the kill still reads; then the loss surfaces, typed.
        ConnectionLostException lost = await Assert.ThrowsAsync<ConnectionLostException>(async () =>
        {
            while (true)
            {
                int n = await stream.ReadAsync(buffer).AsTask().Within();
                Assert.True(n > 0, "a killed daemon's download must not look like a clean end");
                received += n;
            }
        });
        TimeSpan failed = clock.Elapsed;
        output.WriteLine($"download: {received} bytes read, SIGKILL to the read failing: {failed.TotalMilliseconds:F1} ms ({lost.Message})");
        Assert.True(received < VolumeSize, "the whole volume arrived: the kill was not mid-transfer");
        Assert.True(failed < FaultBounds.Prompt, $"the read failed {failed.TotalMilliseconds:F0} ms after the kill");

        await stream.DisposeAsync().AsTask().Within();
        await Assert.ThrowsAsync<ConnectionLostException>(() => connection.GetLibVersionAsync().Within());
        await connection.DisposeAsync().AsTask().Within();
    }

    [Fact]
    public async Task UploadFailsTypedWhenTheDaemonDiesMidTransfer()
    {
        await _daemon.CreateVolumeFileAsync("up.img", VolumeSize);
        LibvirtConnection connection = await LibvirtConnection.OpenAsync(_daemon.Uri).Within();
        NonnullStorageVol volume = await LookupVolumeAsync(connection, "up.img");
        LibvirtStream stream = await connection.StorageVolUploadAsync(volume, 0, 0, 0).Within();

        byte[] chunk = new byte[1 << 20];
        chunk.AsSpan().Fill(0x5a);
        long sent = 0;
        while (sent < 8 << 20)
        {
            await stream.WriteAsync(chunk).AsTask().Within();
            sent += chunk.Length;
        }

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(_daemon.Pid).Kill();
        ConnectionLostException lost = await Assert.ThrowsAsync<ConnectionLostException>(async () =>
        {
            while (sent < VolumeSize)
            {
                await stream.WriteAsync(chunk).AsTask().Within();
                sent += chunk.Length;
            }
        });
        TimeSpan failed = clock.Elapsed;
        output.WriteLine($"upload: {sent} bytes written, SIGKILL to the write failing: {failed.TotalMilliseconds:F1} ms ({lost.Message})");
        Assert.True(failed < FaultBounds.Prompt, $"the write failed {failed.TotalMilliseconds:F0} ms after the kill");

        await Assert.ThrowsAsync<ConnectionLostException>(() => stream.FinishAsync().Within());
        await stream.DisposeAsync().AsTask().Within();
        await connection.DisposeAsync().AsTask().Within();
    }

    private static async Task<NonnullStorageVol> LookupVolumeAsync(LibvirtConnection connection, string name)
    {
        StoragePoolLookupByNameRet pool = await connection.CallAsync<StoragePoolLookupByNameArgs, StoragePoolLookupByNameRet>(
            Procedure.StoragePoolLookupByName, new StoragePoolLookupByNameArgs { Name = PrivateStorageDaemon.PoolName }).AsTask().Within();
        return (await connection.CallAsync<StorageVolLookupByNameArgs, StorageVolLookupByNameRet>(
            Procedure.StorageVolLookupByName, new StorageVolLookupByNameArgs { Pool = pool.Pool, Name = name }).AsTask().Within()).Vol;
    }
}
