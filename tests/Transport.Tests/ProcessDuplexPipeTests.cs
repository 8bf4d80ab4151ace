using System.Buffers;
using System.IO.Pipelines;
using LibvirtRemote.Transport.Process;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

public class ProcessDuplexPipeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BytesGoThroughTheChildsStdinAndStdout()
    {
        await using ProcessDuplexPipe pipe = ProcessDuplexPipe.Start(["/bin/cat"]);
        byte[] sent = new byte[300_000];
        Random.Shared.NextBytes(sent);

        // Read while writing: cat stops reading once its output pipe is full.
        Task<List<byte>> reading = Task.Run(async () =>
        {
            var received = new List<byte>();
            while (received.Count < sent.Length)
            {
                ReadResult result = await pipe.Input.ReadAsync();
                received.AddRange(result.Buffer.ToArray());
                pipe.Input.AdvanceTo(result.Buffer.End);
            }

            return received;
        });
        await pipe.Output.WriteAsync(sent).AsTask().WaitAsync(Timeout);
        Assert.Equal(sent, await reading.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ChildExitFailsReadingWithItsStatusAndStderr()
    {
        await using ProcessDuplexPipe pipe = ProcessDuplexPipe.Start(["/bin/sh", "-c", "echo 'no route to daemon' >&2; exit 7"]);
        IOException error = await Assert.ThrowsAsync<IOException>(() => pipe.Input.ReadAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal("'sh' exited with status 7: no route to daemon", error.Message);

        // Writing to the dead child is not an error of its own: the read side already told why.
        await pipe.Output.WriteAsync(new byte[] { 1, 2, 3 }).AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public void MissingProgramIsAnIOException()
    {
        IOException error = Assert.Throws<IOException>(() => ProcessDuplexPipe.Start(["/nonexistent/program -x"]));
        Assert.StartsWith("Cannot run '/nonexistent/program -x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheGivenEnvironmentReachesTheChild()
    {
        await using ProcessDuplexPipe pipe = ProcessDuplexPipe.Start(["/usr/bin/env"], new Dictionary<string, string> { ["ONLY"] = "this" });
        var text = new List<byte>();
        try
        {
            while (true)
            {
                ReadResult result = await pipe.Input.ReadAsync().AsTask().WaitAsync(Timeout);
                text.AddRange(result.Buffer.ToArray());
                pipe.Input.AdvanceTo(result.Buffer.End);
            }
        }
        catch (IOException e)
        {
            Assert.Equal("'env' exited with status 0", e.Message);
        }

        Assert.Equal("ONLY=this\n", System.Text.Encoding.UTF8.GetString(text.ToArray()));
    }

    [Fact]
    public async Task DisposingKillsAChildThatIgnoresEndOfInput()
    {
        ProcessDuplexPipe pipe = ProcessDuplexPipe.Start(["/bin/sleep", "60"]);
        int pid = pipe.ProcessId;
        await pipe.DisposeAsync().AsTask().WaitAsync(Timeout);
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }
}
