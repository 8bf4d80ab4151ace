using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// A private OpenSSH sshd on a free loopback port with generated host and client keys, a private
/// authorized_keys and known_hosts, and an <c>ssh</c> wrapper that pins the known hosts file; stopped by PID.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateSshd : IAsyncDisposable
{
    private readonly Process _process;

    private PrivateSshd(string directory, int port, Process process)
    {
        Directory = directory;
        Port = port;
        _process = process;
    }

    /// <summary>Private directory holding keys, config and logs.</summary>
    public string Directory { get; }

    /// <summary>Loopback port sshd listens on.</summary>
    public int Port { get; }

    /// <summary>The client's private key.</summary>
    public string ClientKey => Path.Combine(Directory, "client_key");

    /// <summary>known_hosts with this sshd's host key for <c>[127.0.0.1]:PORT</c>.</summary>
    public string KnownHosts => Path.Combine(Directory, "known_hosts");

    /// <summary>
    /// An <c>ssh</c> wrapper for the URI's <c>command=</c>: libvirt's OpenSSH transport ignores
    /// <c>known_hosts=</c>, so host keys come from the ssh options, as a user's ssh config would give them.
    /// </summary>
    public string SshWrapper => Path.Combine(Directory, "ssh");

    /// <summary>The login name (this process's user, which sshd lets in with the client key).</summary>
    public static string User => Environment.UserName;

    /// <summary>Generates keys and config, starts sshd and waits for its banner.</summary>
    /// <param name="privateRun">
    /// When set, sshd and every session it starts see this directory as <c>/run</c> (a bind mount inside a mount
    /// namespace of their own; the host's <c>/run</c> is untouched). Far-side programs that look for a daemon at its
    /// system path, such as virt-ssh-helper, then find the sockets placed there.
    /// </param>
    public static async Task<PrivateSshd> StartAsync(string? privateRun = null)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("libvirt-sshd-").FullName;
        await RunAsync("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(directory, "host_key"));
        await RunAsync("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(directory, "client_key"));
        File.Copy(Path.Combine(directory, "client_key.pub"), Path.Combine(directory, "authorized_keys"));
        int port = FreePort();
        string[] hostKey = (await File.ReadAllTextAsync(Path.Combine(directory, "host_key.pub"))).Split(' ');
        await File.WriteAllTextAsync(Path.Combine(directory, "known_hosts"), $"[127.0.0.1]:{port} {hostKey[0]} {hostKey[1]}\n");
        string config = Path.Combine(directory, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            ListenAddress 127.0.0.1
            Port {port}
            HostKey {directory}/host_key
            AuthorizedKeysFile {directory}/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            PidFile {directory}/sshd.pid
            LogLevel ERROR

            """);
        string wrapper = Path.Combine(directory, "ssh");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec /usr/bin/ssh -F /dev/null -o UserKnownHostsFile={directory}/known_hosts -o GlobalKnownHostsFile=/dev/null \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // sshd insists on its privilege separation directory even when it will not use it.
        System.IO.Directory.CreateDirectory(Path.Combine(privateRun ?? "/run", "sshd"));
        var start = new ProcessStartInfo(privateRun is null ? "/usr/sbin/sshd" : "/usr/bin/unshare") { UseShellExecute = false, RedirectStandardError = true };
        if (privateRun is not null)
        {
            // unshare and sh both exec, so the PID started is sshd's own and stopping it by PID still works.
            foreach (string arg in new[] { "--mount", "--propagation", "private", "/bin/sh", "-c", "mount --bind \"$0\" /run && exec /usr/sbin/sshd \"$@\"", privateRun })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (string arg in new[] { "-D", "-e", "-f", config })
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var sshd = new PrivateSshd(directory, port, process);
        try
        {
            await sshd.WaitForBannerAsync();
            return sshd;
        }
        catch
        {
            await sshd.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a one-line <c>sh</c> script into the private directory and returns its path.</summary>
    public static async Task<string> WriteScriptAsync(string directory, string name, string body)
    {
        string path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Stops sshd by PID and removes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {await stderr}");
        }
    }

    private async Task WaitForBannerAsync()
    {
        for (int i = 0; i < 300; i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"sshd exited with status {_process.ExitCode}");
            }

            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TimeSpan.FromSeconds(5));
                var banner = new byte[4];
                int read = await socket.ReceiveAsync(banner).WaitAsync(TimeSpan.FromSeconds(5));
                if (read > 0)
                {
                    return;
                }
            }
            catch (SocketException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"sshd did not listen on 127.0.0.1:{Port} within 30 s");
    }
}
