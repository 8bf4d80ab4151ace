using System.Diagnostics;

namespace LibvirtRemote.Server.Tests.Support;

/// <summary>Runs libvirt's <c>virt-admin</c> against an admin URI.</summary>
internal static class VirtAdmin
{
    /// <summary>Exit code and everything it printed (standard output, then standard error).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string uri, params string[] arguments)
    {
        var start = new ProcessStartInfo("virt-admin") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(uri);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
