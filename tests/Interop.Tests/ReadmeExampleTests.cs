using LibvirtRemote.Client;
using LibvirtRemote.Client.Events;
using LibvirtRemote.Client.Streams;
using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests;

/// <summary>The README's client example, run as written against a private libvirtd so it cannot rot.</summary>
public sealed class ReadmeExampleTests : IAsyncLifetime
{
    private PrivateLibvirtd _daemon = null!;

    public async Task InitializeAsync() => _daemon = await PrivateLibvirtd.StartAsync().Within();

    public async Task DisposeAsync() => await _daemon.DisposeAsync().AsTask().Within();

    [Fact]
    public async Task ExampleRuns()
    {
        string directory = Directory.CreateTempSubdirectory("lvr-readme-").FullName;
        try
        {
            var output = new StringWriter();
            await Example($"test+unix:///default?socket={_daemon.SocketPath}", output, Path.Combine(directory, "screen.png")).Within();
            string text = output.ToString();
            Assert.Contains("  1 test                 Running", text, StringComparison.Ordinal);
            Assert.Contains("test: event 3 detail 0", text, StringComparison.Ordinal);
            Assert.Contains("image/png", text, StringComparison.Ordinal);
            Assert.True(new FileInfo(Path.Combine(directory, "screen.png")).Length > 0);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // Keep in step with the README's "Client example" section.
    private static async Task Example(string uri, TextWriter console, string screenshotPath)
    {
        await using LibvirtConnection conn = await LibvirtConnection.OpenAsync(uri);

        foreach (Domain domain in await conn.ListAllDomainsAsync())
        {
            console.WriteLine($"{domain.Id,3} {domain.Name,-20} {(await domain.GetInfoAsync()).State}");
        }

        // Watch lifecycle events while we pause and resume the domain.
        var registered = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var options = new EventSubscriptionOptions { Registered = _ => registered.TrySetResult() };
        Task watcher = Task.Run(async () =>
        {
            await foreach (DomainLifecycleEvent e in conn.Events.DomainLifecycleAsync(options: options, cancellationToken: stop.Token))
            {
                console.WriteLine($"{e.Domain.Name}: event {e.Event} detail {e.Detail}");
                if (e.Event == 4)
                {
                    break;
                }
            }
        });
        await registered.Task;

        Domain test = await conn.LookupDomainByNameAsync("test");
        await test.SuspendAsync();
        await test.ResumeAsync();
        await watcher;

        // Download a screenshot.
        (string mime, LibvirtStream stream) = await conn.ScreenshotAsync(test, screen: 0);
        await using (stream)
        await using (FileStream file = File.Create(screenshotPath))
        {
            await stream.CopyToAsync(file);
            await stream.FinishAsync();
        }

        console.WriteLine($"saved a {mime} screenshot");
    }
}
