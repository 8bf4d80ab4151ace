using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;
using Xunit.Abstractions;

namespace LibvirtRemote.Interop.Tests;

/// <summary>Volume download and upload, plain and sparse, against a session libvirtd with the storage driver.</summary>
public sealed class StorageVolumeStreamTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const uint Sparse = 1; // VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly byte[] First = System.Text.Encoding.ASCII.GetBytes("HELLO, SPARSE WORLD\n");
    private static readonly byte[] Second = System.Text.Encoding.ASCII.GetBytes("SECOND DATA EXTENT\n");
    private PrivateStorageDaemon _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateStorageDaemon.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    [Fact]
    public async Task SparseDownloadReportsTheHolesOfTheFile()
    {
        // The layout of the golden capture: data at 0 and 12288 (one 4 KiB block each), 20480 bytes in all.
        string path = await _daemon.CreateVolumeFileAsync("sparse.img", 20480, (0, First), (12288, Second));
        Assert.Equal("0-4096 12288-16384", await DataExtentsAsync(path));
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(_daemon.Uri).WaitAsync(Timeout);
        NonnullStorageVol volume = await LookupVolumeAsync(connection, "sparse.img");

        LibvirtStream stream = await connection.StorageVolDownloadAsync(volume, 0, 0, Sparse).WaitAsync(Timeout);
        await using (stream)
        {
            Assert.True(stream.IsSparse);
            (List<string> layout, byte[] content) = await ReadSegmentsAsync(stream);
            Assert.Equal(["data 4096", "hole 8192", "data 4096", "hole 4096"], layout);
            Assert.Equal(await File.ReadAllBytesAsync(path), content);
            await stream.FinishAsync().WaitAsync(Timeout);
        }

        // Without the flag the same volume arrives as plain bytes, holes as zeros sent by the server.
        stream = await connection.StorageVolDownloadAsync(volume, 0, 0, 0).WaitAsync(Timeout);
        await using (stream)
        {
            Assert.False(stream.IsSparse);
            (List<string> layout, byte[] content) = await ReadSegmentsAsync(stream);
            Assert.Equal(["data 20480"], layout);
            Assert.Equal(await File.ReadAllBytesAsync(path), content);
            await stream.FinishAsync().WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task LargeDownloadMatchesTheFileWithOffsetAndLength()
    {
        byte[] data = new byte[24 * 1024 * 1024 + 12345];
        new Random(7).NextBytes(data);
        string path = await _daemon.CreateVolumeFileAsync("big.img", data.Length, (0, data));
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(_daemon.Uri).WaitAsync(Timeout);
        NonnullStorageVol volume = await LookupVolumeAsync(connection, "big.img");

        byte[] downloaded = [];
        for (int round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            LibvirtStream download = await connection.StorageVolDownloadAsync(volume, 0, 0, 0).WaitAsync(Timeout);
            await using (download)
            {
                downloaded = await ReadToEndAsync(download);
                await download.FinishAsync().WaitAsync(Timeout);
                output.WriteLine($"round {round}: {data.Length} bytes in {clock.Elapsed.TotalMilliseconds:F0} ms ({data.Length / clock.Elapsed.TotalSeconds / 1e6:F0} MB/s), peak buffered {download.PeakBufferedBytes}");
            }
        }

        Assert.True(data.AsSpan().SequenceEqual(downloaded));

        LibvirtStream stream = await connection.StorageVolDownloadAsync(volume, 1_000_000, 300_000, 0).WaitAsync(Timeout);
        await using (stream)
        {
            byte[] part = await ReadToEndAsync(stream);
            Assert.Equal(data[1_000_000..1_300_000], part);
            await stream.FinishAsync().WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task SparseUploadLandsOnDiskWithItsHoles()
    {
        string path = await _daemon.CreateVolumeFileAsync("up.img", 20480);
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(_daemon.Uri).WaitAsync(Timeout);
        NonnullStorageVol volume = await LookupVolumeAsync(connection, "up.img");
        byte[] block1 = Block(First);
        byte[] block2 = Block(Second);

        LibvirtStream stream = await connection.StorageVolUploadAsync(volume, 0, 0, Sparse).WaitAsync(Timeout);
        await using (stream)
        {
            await stream.WriteAsync(block1).AsTask().WaitAsync(Timeout);
            await stream.SendHoleAsync(8192).AsTask().WaitAsync(Timeout);
            await stream.WriteAsync(block2).AsTask().WaitAsync(Timeout);
            await stream.SendHoleAsync(4096).AsTask().WaitAsync(Timeout);
            await stream.FinishAsync().WaitAsync(Timeout);
        }

        byte[] onDisk = await File.ReadAllBytesAsync(path);
        Assert.Equal([.. block1, .. new byte[8192], .. block2, .. new byte[4096]], onDisk);
        Assert.Equal("0-4096 12288-16384", await DataExtentsAsync(path));

        // Read back through a sparse download: the same holes come back.
        stream = await connection.StorageVolDownloadAsync(volume, 0, 0, Sparse).WaitAsync(Timeout);
        await using (stream)
        {
            (List<string> layout, _) = await ReadSegmentsAsync(stream);
            Assert.Equal(["data 4096", "hole 8192", "data 4096", "hole 4096"], layout);
            await stream.FinishAsync().WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task PlainUploadReplacesTheContentAndRefusesHoles()
    {
        byte[] data = new byte[3 * 1024 * 1024 + 7];
        new Random(11).NextBytes(data);
        string path = await _daemon.CreateVolumeFileAsync("plain.img", data.Length);
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(_daemon.Uri).WaitAsync(Timeout);
        NonnullStorageVol volume = await LookupVolumeAsync(connection, "plain.img");

        LibvirtStream stream = await connection.StorageVolUploadAsync(volume, 0, (ulong)data.Length, 0).WaitAsync(Timeout);
        await using (stream)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => stream.SendHoleAsync(4096).AsTask().WaitAsync(Timeout));
            await stream.WriteAsync(data).AsTask().WaitAsync(Timeout);
            await stream.FinishAsync().WaitAsync(Timeout);
        }

        byte[] written = await File.ReadAllBytesAsync(path);
        Assert.True(data.AsSpan().SequenceEqual(written));
    }

    [Fact]
    public async Task AbortedUploadLeavesTheConnectionUsable()
    {
        await _daemon.CreateVolumeFileAsync("abort.img", 1 << 20);
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(_daemon.Uri).WaitAsync(Timeout);
        NonnullStorageVol volume = await LookupVolumeAsync(connection, "abort.img");

        LibvirtStream stream = await connection.StorageVolUploadAsync(volume, 0, 0, 0).WaitAsync(Timeout);
        await stream.WriteAsync(new byte[100_000]).AsTask().WaitAsync(Timeout);
        await stream.AbortAsync().WaitAsync(Timeout);
        await stream.DisposeAsync();

        Assert.Equal("abort.img", (await LookupVolumeAsync(connection, "abort.img")).Name);
    }

    private static byte[] Block(byte[] text)
    {
        byte[] block = new byte[4096];
        text.CopyTo(block, 0);
        return block;
    }

    private static async Task<NonnullStorageVol> LookupVolumeAsync(LibvirtConnection connection, string name)
    {
        StoragePoolLookupByNameRet pool = await connection.CallAsync<StoragePoolLookupByNameArgs, StoragePoolLookupByNameRet>(
            Procedure.StoragePoolLookupByName, new StoragePoolLookupByNameArgs { Name = PrivateStorageDaemon.PoolName }).AsTask().WaitAsync(Timeout);
        return (await connection.CallAsync<StorageVolLookupByNameArgs, StorageVolLookupByNameRet>(
            Procedure.StorageVolLookupByName, new StorageVolLookupByNameArgs { Pool = pool.Pool, Name = name }).AsTask().WaitAsync(Timeout)).Vol;
    }

    private static async Task<byte[]> ReadToEndAsync(LibvirtStream stream)
    {
        var all = new MemoryStream();
        await stream.CopyToAsync(all, 1 << 20).WaitAsync(Timeout);
        return all.ToArray();
    }

    /// <summary>Reads with hole reporting; adjacent data segments are merged, holes are expanded into the content.</summary>
    private static async Task<(List<string> Layout, byte[] Content)> ReadSegmentsAsync(LibvirtStream stream)
    {
        var layout = new List<(StreamSegmentKind Kind, long Length)>();
        var content = new MemoryStream();
        byte[] buffer = new byte[65536];
        while (true)
        {
            StreamSegment segment = await stream.ReadSegmentAsync(buffer).AsTask().WaitAsync(Timeout);
            if (segment.Kind == StreamSegmentKind.End)
            {
                break;
            }

            if (segment.Kind == StreamSegmentKind.Data)
            {
                content.Write(buffer, 0, (int)segment.Length);
            }
            else
            {
                content.Write(new byte[segment.Length]);
            }

            if (layout.Count > 0 && layout[^1].Kind == segment.Kind && segment.Kind == StreamSegmentKind.Data)
            {
                layout[^1] = (segment.Kind, layout[^1].Length + segment.Length);
            }
            else
            {
                layout.Add((segment.Kind, segment.Length));
            }
        }

        return (layout.Select(s => $"{s.Kind.ToString().ToLowerInvariant()} {s.Length}").ToList(), content.ToArray());
    }

    /// <summary>The file's data extents as the filesystem reports them (SEEK_DATA / SEEK_HOLE).</summary>
    private static async Task<string> DataExtentsAsync(string path)
    {
        const string Script = """
            import os, sys
            fd = os.open(sys.argv[1], os.O_RDONLY)
            size = os.fstat(fd).st_size
            offset, extents = 0, []
            while offset < size:
                try:
                    start = os.lseek(fd, offset, os.SEEK_DATA)
                except OSError:
                    break
                end = os.lseek(fd, start, os.SEEK_HOLE)
                extents.append(f'{start}-{end}')
                offset = end
            print(' '.join(extents))
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(path);
        using Process python = Process.Start(start)!;
        Task<string> stdout = python.StandardOutput.ReadToEndAsync();
        Task<string> stderr = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(python.ExitCode == 0, await stderr);
        return (await stdout).Trim();
    }
}
