using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using LibvirtRemote.Interop.Tests.Support;

namespace LibvirtRemote.Interop.Tests.Faults;

/// <summary>
/// A client program (python3-libvirt, virsh) left running so a test can signal it at a chosen moment: its stdout
/// lines are readable as they come, and it is killed by PID on dispose (continued first, in case it was stopped).
/// </summary>
internal sealed class FaultProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();

    private FaultProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts /usr/bin/python3 with a script and its arguments; stdin stays open.</summary>
    public static FaultProcess Python(string script, params string[] arguments) => Start("/usr/bin/python3", ["-u", "-c", script, .. arguments]);

    /// <summary>Starts <paramref name="program"/>; stdin stays open (an interactive virsh waits on it).</summary>
    public static FaultProcess Start(string program, IEnumerable<string> arguments)
    {
        ProcessStartInfo start = ExternalProcess.StartInfo(program, arguments);
        start.Environment["LC_ALL"] = "C";
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var running = new FaultProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                running._lines.Writer.TryComplete();
            }
            else
            {
                running._lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (running._stderr)
            {
                running._stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Waits for a stdout line containing <paramref name="text"/>; fails with stderr if the program ends first.</summary>
    public async Task<string> WaitForLineAsync(string text)
    {
        while (await _lines.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (_lines.Reader.TryRead(out string? line))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }

        throw new InvalidOperationException($"the program ended before printing '{text}': {Stderr}");
    }

    /// <summary>Writes a line to the program's stdin (a command for an interactive virsh).</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Sends a signal (KILL, STOP, CONT) by PID.</summary>
    public void Signal(string signal) => PrivateLibvirtd.Signal(_process.Id, signal);

    /// <summary>SIGKILL, then waits until the process is gone (its sockets closed by the kernel).</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Signal("CONT");
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
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
