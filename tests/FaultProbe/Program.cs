using System.Diagnostics;
using System.Globalization;
using LibvirtRemote.Client;

// FaultProbe URI PID: opens URI, stops the daemon PID, queues 64 calls, kills the daemon and prints
// "RESULT gone=MS first=MS last=MS": when the daemon had exited, and when the first and last call failed, in ms after
// the kill. Exit code 0 only when every call failed with ConnectionLostException.
// FaultProbe hostname URI: see HostnameProbe.
if (args is ["hostname", string hostnameUri])
{
    return await HostnameProbe.RunAsync(hostnameUri);
}

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: FaultProbe URI PID | FaultProbe hostname URI");
    return 2;
}

const int Calls = 64;
string uri = args[0];
int pid = int.Parse(args[1], CultureInfo.InvariantCulture);
await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri);
await connection.GetLibVersionAsync();

using var daemon = Process.GetProcessById(pid);
using (Process stop = Process.Start("kill", ["-STOP", args[1]]))
{
    await stop.WaitForExitAsync();
}

var clock = new Stopwatch();
long first = long.MaxValue;
long last = 0;
int lost = 0;
var calls = new Task[Calls];
for (int i = 0; i < Calls; i++)
{
    calls[i] = connection.GetLibVersionAsync().ContinueWith(
        call =>
        {
            long now = clock.ElapsedTicks;
            if (call.Exception?.InnerException is ConnectionLostException)
            {
                Interlocked.Increment(ref lost);
            }

            InterlockedMin(ref first, now);
            InterlockedMax(ref last, now);
        },
        TaskContinuationOptions.ExecuteSynchronously);
}

// The stopped daemon reads nothing, so all 64 are outstanding when it dies.
await Task.Delay(100);
long gone = 0;
var watcher = new Thread(() =>
{
    // The daemon has closed its sockets once it is a zombie; until then the kernel is still tearing it down.
    while (IsAlive(pid))
    {
        Thread.Sleep(1);
    }

    gone = clock.ElapsedTicks;
}) { IsBackground = true };
clock.Start();
watcher.Start();
daemon.Kill();
await Task.WhenAll(calls);
watcher.Join();

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT gone={Ms(gone):F1} first={Ms(first):F1} last={Ms(last):F1} lost={lost}"));
return lost == Calls ? 0 : 1;

static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

static bool IsAlive(int pid)
{
    try
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        char state = stat[stat.LastIndexOf(')') + 2];
        return state is not ('Z' or 'X');
    }
    catch (IOException)
    {
        return false;
    }
}

static void InterlockedMin(ref long target, long value)
{
    long seen;
    while (value < (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
    {
    }
}

static void InterlockedMax(ref long target, long value)
{
    long seen;
    while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
    {
    }
}
