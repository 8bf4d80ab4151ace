using System.Diagnostics;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// A long-running client program (such as <c>virsh event --loop</c>) that the test ends with SIGINT, sent by PID, once
/// it has seen what it needs; killed by PID if it does not stop.
/// </summary>
public sealed class InterruptibleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private InterruptibleProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts <paramref name="program"/> with its standard input closed.</summary>
    public static InterruptibleProcess Start(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        ProcessStartInfo start = ExternalProcess.StartInfo(program, arguments, environment);
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        return new InterruptibleProcess(process);
    }

    /// <summary>Sends SIGINT and returns what the program printed once it has exited.</summary>
    public async Task<ExternalProcess.Result> InterruptAsync()
    {
        if (!_process.HasExited)
        {
            PrivateLibvirtd.Signal(_process.Id, "INT");
        }

        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        return new ExternalProcess.Result(_process.ExitCode, await _stdout, await _stderr);
    }

    /// <summary>Kills the program by PID if it is still running.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
        }
    }
}
