using System.Diagnostics;
using Xunit;

namespace LibvirtRemote.Server.Tests;

/// <summary>
/// The polkit stand-in on a Unix socket, seen from a peer that is not root: python (as uid 65534 through setpriv)
/// sends AUTH_LIST and AUTH_POLKIT as raw frames; the server's rule decides on the peer credentials.
/// </summary>
public sealed class PolkitRuleTests : IDisposable
{
    private const string Script = """
        import socket, struct, sys
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(20)
        s.connect(sys.argv[1])
        def call(proc, serial):
            s.sendall(struct.pack('>IIIiIII', 28, 0x20008086, 1, proc, 0, serial, 0))
            n = struct.unpack('>I', s.recv(4, socket.MSG_WAITALL))[0]
            data = s.recv(n - 4, socket.MSG_WAITALL)
            status = struct.unpack('>I', data[20:24])[0]
            return status, data[24:]
        status, body = call(66, 0)
        count = struct.unpack('>I', body[:4])[0]
        print('types', *struct.unpack('>%dI' % count, body[4:4 + 4 * count]))
        status, body = call(70, 1)
        if status == 0:
            print('complete', struct.unpack('>I', body[:4])[0])
        else:
            code, domain, present = struct.unpack('>iiI', body[:12])
            length = struct.unpack('>I', body[12:16])[0]
            print('error', code, domain, body[16:16 + length].decode())
        status, body = call(59, 2)
        print('hostname-call', 'ok' if status == 0 else 'error ' + body[16:16 + struct.unpack('>I', body[12:16])[0]].decode())
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("lr-polkit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false, "error 45 7 authentication failed: access denied by policy", "error authentication required")]
    [InlineData(true, "complete 1", "error internal error: hypervisor connection not open")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task RuleDecidesForOtherUsers(bool allowNobody, string polkit, string afterwards)
    {
        File.SetUnixFileMode(_dir, (UnixFileMode)0x1ED);
        int? seenUid = null;
        await using var server = new LibvirtServer(new Support.GateBackend())
        {
            PolkitRule = c =>
            {
                seenUid = c.UnixUserId;
                return allowNobody && c.UnixUserId == 65534;
            },
        };
        string path = Path.Combine(_dir, "libvirt-sock");
        server.ListenUnix(path, new ListenerOptions { Auth = Config.ServerAuth.Polkit }, (UnixFileMode)0x1FF);

        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", Script, path })
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        Assert.True(process.ExitCode == 0, await error);
        Assert.Equal(["types 2", polkit, "hostname-call " + afterwards], (await output).Trim().Split('\n'));
        Assert.Equal(65534, seenUid);
    }
}
