using System.Diagnostics;
using LibvirtRemote.Client;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>Screenshot streams from a real libvirtd 9.0.0 (test driver), compared with python3-libvirt.</summary>
public sealed class ScreenshotStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync();

    public async Task DisposeAsync() => await _daemon.DisposeAsync();

    private string UnixUri => $"test+unix:///default?socket={_daemon.SocketPath}";

    [Fact]
    public async Task ScreenshotBytesAndMimeTypeMatchPythonLibvirt()
    {
        (string pythonMime, byte[] pythonBytes) = await PythonScreenshotAsync();
        Assert.NotEmpty(pythonBytes);

        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        NonnullDomain domain = await connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        (string mime, LibvirtStream stream) = await connection.ScreenshotAsync(domain, 0).WaitAsync(Timeout);
        await using (stream)
        {
            Assert.Equal(pythonMime, mime);
            Assert.Equal(pythonBytes, await ReadToEndAsync(stream));
            await stream.FinishAsync().WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task TwentyScreenshotsInARowOnOneConnection()
    {
        (string pythonMime, byte[] pythonBytes) = await PythonScreenshotAsync();
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        NonnullDomain domain = await connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        int endBeforeReply = 0;
        for (int i = 0; i < 20; i++)
        {
            (string mime, LibvirtStream stream) = await connection.ScreenshotAsync(domain, 0).WaitAsync(Timeout);
            await using (stream)
            {
                // Data and even the end marker may arrive before the reply; either way nothing may be lost.
                endBeforeReply += stream.EndReceived ? 1 : 0;
                Assert.Equal(pythonMime, mime);
                Assert.Equal(pythonBytes, await ReadToEndAsync(stream));
                await stream.FinishAsync().WaitAsync(Timeout);
            }
        }

        // The connection is still in step after twenty streams.
        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
        Assert.InRange(endBeforeReply, 0, 20);
    }

    [Fact]
    public async Task AbortedAndUnreadScreenshotsLeaveTheConnectionUsable()
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(UnixUri).WaitAsync(Timeout);
        NonnullDomain domain = await connection.LookupDomainByNameAsync("test").WaitAsync(Timeout);
        (_, LibvirtStream aborted) = await connection.ScreenshotAsync(domain, 0).WaitAsync(Timeout);
        await aborted.AbortAsync().WaitAsync(Timeout);
        await aborted.DisposeAsync();

        // Disposed without reading: finished if the end marker has arrived, aborted otherwise.
        (_, LibvirtStream unread) = await connection.ScreenshotAsync(domain, 0).WaitAsync(Timeout);
        await unread.DisposeAsync().AsTask().WaitAsync(Timeout);

        (_, LibvirtStream whole) = await connection.ScreenshotAsync(domain, 0).WaitAsync(Timeout);
        await using (whole)
        {
            Assert.NotEmpty(await ReadToEndAsync(whole));
            await whole.FinishAsync().WaitAsync(Timeout);
        }

        Assert.Equal(9_000_000UL, await connection.GetLibVersionAsync().WaitAsync(Timeout));
    }

    private static async Task<byte[]> ReadToEndAsync(LibvirtStream stream)
    {
        var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(Timeout);
        return all.ToArray();
    }

    private async Task<(string Mime, byte[] Bytes)> PythonScreenshotAsync()
    {
        string output = Path.Combine(_daemon.Directory, $"python-shot-{Guid.NewGuid():N}.bin");
        const string Script = """
            import libvirt, sys
            conn = libvirt.open(sys.argv[1])
            dom = conn.lookupByName('test')
            st = conn.newStream()
            mime = dom.screenshot(st, 0)
            data = b''
            while True:
                chunk = st.recv(262144)
                if not chunk:
                    break
                data += chunk
            st.finish()
            open(sys.argv[2], 'wb').write(data)
            print(mime)
            conn.close()
            """;
        var start = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(UnixUri);
        start.ArgumentList.Add(output);
        using Process python = Process.Start(start)!;
        Task<string> stdout = python.StandardOutput.ReadToEndAsync();
        Task<string> stderr = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync().WaitAsync(Timeout);
        Assert.True(python.ExitCode == 0, await stderr);
        return ((await stdout).Trim(), await File.ReadAllBytesAsync(output));
    }
}
