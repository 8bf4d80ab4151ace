using System.Diagnostics;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>Runs a real client program (virsh, python3) to completion with a time limit, killing it by PID if it overruns.</summary>
public static class ExternalProcess
{
    /// <summary>The outcome of one run.</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Fails the test with both streams when the program did not succeed.</summary>
        public Result EnsureSuccess(string what)
        {
            if (ExitCode != 0)
            {
                throw new Xunit.Sdk.XunitException($"{what} exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
            }

            return this;
        }
    }

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>.</summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, string? stdin = null, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        ProcessStartInfo start = StartInfo(program, arguments, environment);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>How the tests start a program: no shell, all three standard streams redirected, extra environment.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>Runs virsh against <paramref name="uri"/>.</summary>
    public static Task<Result> VirshAsync(string uri, params string[] arguments)
        => RunAsync("virsh", ["-c", uri, .. arguments], environment: new Dictionary<string, string> { ["LC_ALL"] = "C" });

    /// <summary>Runs virsh against <paramref name="uri"/> with extra environment variables (e.g. LIBVIRT_AUTH_FILE).</summary>
    public static Task<Result> VirshAsync(string uri, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
        => RunAsync("virsh", ["-c", uri, .. arguments], environment: VirshEnvironment(environment));

    /// <summary>virsh's environment: the C locale (messages compared verbatim) plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> VirshEnvironment(IReadOnlyDictionary<string, string>? extra)
    {
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "C" };
        foreach ((string key, string value) in extra ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>Runs a python3-libvirt script (/usr/bin/python3) with arguments.</summary>
    public static Task<Result> PythonAsync(string script, params string[] arguments)
        => RunAsync("/usr/bin/python3", ["-c", script, .. arguments]);
}
