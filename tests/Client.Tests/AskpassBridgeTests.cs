using System.Diagnostics;
using LibvirtRemote.Client.Ssh;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>The askpass script reaches back to this process over its FIFOs, as ssh would run it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AskpassBridgeTests
{
    [Fact]
    public async Task TheScriptPrintsTheAnswerAndFailsWhenThereIsNone()
    {
        var questions = new List<string>();
        string directory;
        await using (AskpassBridge bridge = AskpassBridge.Start((question, _) =>
        {
            questions.Add(question);
            return ValueTask.FromResult(question.StartsWith("Are you", StringComparison.Ordinal) ? "yes" : (string?)null);
        }))
        {
            directory = Path.GetDirectoryName(bridge.ScriptPath)!;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            Assert.Equal((0, "yes"), await RunAsync(bridge.ScriptPath, "Are you sure\nabout 'this' é? "));
            Assert.Equal((1, string.Empty), await RunAsync(bridge.ScriptPath, "Password: "));
            Assert.Equal(["Are you sure\nabout 'this' é? ", "Password: "], questions);
        }

        Assert.False(Directory.Exists(directory));
    }

    private static async Task<(int, string)> RunAsync(string script, string question)
    {
        var start = new ProcessStartInfo(script) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(question);
        using Process process = Process.Start(start)!;
        string output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, output);
    }
}
