using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LibvirtRemote.Client.Ssh;

/// <summary>
/// Lets the OpenSSH client ask its questions in this process: a POSIX sh askpass script in a private 0700
/// directory passes each question over a FIFO to a thread here, which answers over a second FIFO.
/// </summary>
/// <remarks>
/// Frames on both FIFOs are a decimal line then bytes: question = byte count, newline, text; answer = exit status and
/// byte count, newline, text. ssh runs one askpass at a time, so one pair of FIFOs serves a connection. This process
/// holds both FIFOs open read-write, so neither side's open blocks and data written early waits in the pipe; deleting
/// the directory makes a late script fail at once instead of waiting for a reader.
/// </remarks>
internal sealed class AskpassBridge : IAsyncDisposable
{
    private const string Script = """
        #!/bin/sh
        # Passes ssh's question ($1) to the process that started ssh and prints the answer it sends back.
        n=$(printf '%s' "$1" | wc -c) || exit 1
        printf '%s\n%s' "$n" "$1" >"$DIR/ask" || exit 1
        { read -r status length && head -c "$length"; } <"$DIR/answer" || exit 1
        exit "$status"
        """;

    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(10);
    private readonly string _directory;
    private readonly FileStream _questions;
    private readonly FileStream _stopper;
    private readonly FileStream _answers;
    private readonly Func<string, CancellationToken, ValueTask<string?>> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _disposed;

    private AskpassBridge(string directory, Func<string, CancellationToken, ValueTask<string?>> answer)
    {
        _directory = directory;
        _answer = answer;
        _questions = OpenFifo("ask", FileAccess.ReadWrite);
        _stopper = OpenFifo("ask", FileAccess.Write);
        _answers = OpenFifo("answer", FileAccess.ReadWrite);
        _thread = new Thread(Serve) { IsBackground = true, Name = "ssh askpass" };
    }

    /// <summary>The askpass program ssh is told to run.</summary>
    internal string ScriptPath => Path.Combine(_directory, "askpass");

    /// <summary>The variables that make ssh ask through this bridge, whether or not it has a terminal.</summary>
    internal IEnumerable<KeyValuePair<string, string>> Environment =>
    [
        new("SSH_ASKPASS", ScriptPath),
        new("SSH_ASKPASS_REQUIRE", "force"),
    ];

    /// <summary>Creates the directory, FIFOs and script, and starts answering with <paramref name="answer"/> (null answer: the script fails).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static AskpassBridge Start(Func<string, CancellationToken, ValueTask<string?>> answer)
    {
        string directory = Directory.CreateTempSubdirectory("libvirt-askpass-").FullName;
        try
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (string fifo in new[] { "ask", "answer" })
            {
                if (MakeFifo(Encoding.UTF8.GetBytes(Path.Combine(directory, fifo) + "\0"), Convert.ToUInt32("600", 8)) != 0)
                {
                    throw new IOException($"Cannot create a FIFO in {directory}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                }
            }

            string script = Path.Combine(directory, "askpass");
            File.WriteAllText(script, Script.Replace("$DIR", SshCommandBuilder.QuoteForShell(directory), StringComparison.Ordinal) + "\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            var bridge = new AskpassBridge(directory, answer);
            bridge._thread.Start();
            return bridge;
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the thread (cancelling a callback in progress), closes the FIFOs and removes the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            // A line that is not a number ends the loop if it is waiting for a question.
            await _stopper.WriteAsync("stop\n"u8.ToArray()).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }

        // A callback that ignores cancellation keeps its (background) thread; everything else goes now.
        await Task.Run(() => _thread.Join(StopWait)).ConfigureAwait(false);
        Directory.Delete(_directory, recursive: true);
        await _stopper.DisposeAsync().ConfigureAwait(false);
        await _answers.DisposeAsync().ConfigureAwait(false);
        await _questions.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    // A plain DllImport taking the NUL-terminated UTF-8 path: this assembly does not allow the unsafe code
    // LibraryImport would generate.
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(byte[] path, uint mode);

    private FileStream OpenFifo(string name, FileAccess access)
        => new(Path.Combine(_directory, name), FileMode.Open, access, FileShare.ReadWrite, bufferSize: 0);

    private void Serve()
    {
        try
        {
            while (ReadQuestion() is string question)
            {
                string? reply;
                try
                {
                    reply = _answer(question, _stop.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (Exception)
                {
                    // Cancelled, or a failure the answerer did not turn into a libvirt error: ssh gets no answer.
                    reply = null;
                }

                WriteAnswer(reply);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The bridge is being torn down; ssh's askpass then fails and ssh reports why.
        }
    }

    // Null when the bridge stops (or the stream is unreadable).
    private string? ReadQuestion()
    {
        if (!int.TryParse(ReadLine(), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int length) || length < 0 || _stop.IsCancellationRequested)
        {
            return null;
        }

        byte[] text = new byte[length];
        _questions.ReadExactly(text);
        return Encoding.UTF8.GetString(text);
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        Span<byte> one = stackalloc byte[1];
        while (_questions.Read(one) == 1 && one[0] != '\n')
        {
            line.Append((char)one[0]);
        }

        return line.ToString();
    }

    private void WriteAnswer(string? reply)
    {
        // ssh keeps the answer up to its first line break, so none may pass.
        byte[] text = Encoding.UTF8.GetBytes((reply ?? string.Empty).ReplaceLineEndings(string.Empty));
        byte[] frame = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{(reply is null ? 1 : 0)} {text.Length}\n")).Concat(text).ToArray();
        _answers.Write(frame);
    }
}
