using System.ComponentModel;
using System.Diagnostics;
using System.IO.Pipelines;
using LibvirtRemote.Transport.Sockets;
using OsProcess = System.Diagnostics.Process;

namespace LibvirtRemote.Transport.Process;

/// <summary>
/// A byte pipe to a child process that speaks the protocol on its stdin and stdout (<c>ssh … nc -U</c>,
/// an <c>ext</c> command). When the process ends, reading fails with an <see cref="IOException"/> holding its
/// exit status and stderr. Disposing closes its stdin, then kills it if it has not exited within 5 s.
/// </summary>
public sealed class ProcessDuplexPipe : IDuplexPipe, IAsyncDisposable
{
    private readonly StreamDuplexPipe _pipe;
    private readonly ProcessStdioStream _stream;

    private ProcessDuplexPipe(ProcessStdioStream stream, int processId)
    {
        _stream = stream;
        _pipe = new StreamDuplexPipe(stream);
        ProcessId = processId;
    }

    /// <inheritdoc/>
    public PipeReader Input => _pipe.Input;

    /// <inheritdoc/>
    public PipeWriter Output => _pipe.Output;

    /// <summary>The child's process id.</summary>
    public int ProcessId { get; }

    /// <summary>What the child wrote to stderr so far (bounded to 16 K characters).</summary>
    public string Stderr => _stream.Stderr;

    /// <summary>
    /// Starts <paramref name="argv"/>[0] with the remaining arguments, passed as they are (no shell).
    /// </summary>
    /// <param name="argv">Program (looked up in PATH when it has no slash) and its arguments.</param>
    /// <param name="environment">
    /// The child's whole environment when not null (libvirt passes only a fixed list of variables); null
    /// inherits this process's environment.
    /// </param>
    /// <exception cref="IOException">The program could not be started.</exception>
    public static ProcessDuplexPipe Start(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            throw new ArgumentException("No program to run", nameof(argv));
        }

        var info = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        for (int i = 1; i < argv.Count; i++)
        {
            info.ArgumentList.Add(argv[i]);
        }

        if (environment is not null)
        {
            info.Environment.Clear();
            foreach (KeyValuePair<string, string> pair in environment)
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }

        var process = new OsProcess { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new IOException($"Cannot run '{argv[0]}': {e.Message}", e);
        }

        return new ProcessDuplexPipe(new ProcessStdioStream(process, Path.GetFileName(argv[0])), process.Id);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _pipe.DisposeAsync();
}
