using System.Diagnostics;

namespace LibvirtRemote.Bench.Compare;

/// <summary>Runs a tool to completion and returns its standard output; fails with its standard error.</summary>
internal static class Tool
{
    public static async Task<string> OutputAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
        }

        return await stdout.ConfigureAwait(false);
    }

    /// <summary>Like <see cref="OutputAsync"/> but returns a placeholder instead of failing (for report details).</summary>
    public static async Task<string> TryOutputAsync(string program, params string[] arguments)
    {
        try
        {
            return (await OutputAsync(program, arguments).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return "unknown";
        }
    }
}
