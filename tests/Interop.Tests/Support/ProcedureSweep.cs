using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using LibvirtRemote.Client;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>
/// Calls every procedure of <see cref="RemoteCalls"/>, <see cref="QemuCalls"/> and <see cref="LxcCalls"/> that needs no
/// stream partner, in a fixed order, with arguments taken from the test driver's objects
/// (<see cref="ProcedureSweepArguments"/>), and records how each call ended; some are called again with other
/// arguments (variants). Run against libvirtd's
/// test driver it shows reply layouts our .x files got wrong (an undecodable reply is an outcome of its own); run against
/// our server as well, the two outcome lists show where our server answers differently.
/// </summary>
internal static partial class ProcedureSweep
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Procedures the sweep does not call, and why. Everything else in <see cref="RemoteCalls"/> is called.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Skipped = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ConnectOpen"] = "a second open fails and closes the hypervisor connection",
        ["ConnectClose"] = "ends the connection the rest of the sweep needs",
        ["DomainMigratePrepareTunnel"] = "needs a stream partner",
        ["DomainMigratePrepareTunnel3"] = "needs a stream partner",
        ["DomainMigratePrepareTunnel3Params"] = "needs a stream partner",
        ["DomainOpenConsole"] = "needs a stream partner",
        ["DomainOpenChannel"] = "needs a stream partner",
        ["StorageVolUpload"] = "needs a stream partner",
        ["StorageVolDownload"] = "needs a stream partner",
        ["DomainScreenshot"] = "needs a stream partner",
    };

    /// <summary>
    /// Calls that change or remove the fixtures the others use; they run last, in this order, so that every earlier
    /// call still finds the running domain "test", its snapshot, the pool's volume and so on.
    /// </summary>
    private static readonly string[] Last =
    [
        "DomainSnapshotDelete", "DomainCheckpointDelete",
        "DomainSuspend", "DomainResume", "DomainReboot", "DomainReset", "DomainPmSuspendForDuration", "DomainPmWakeup",
        "DomainSave", "DomainRestore", "DomainSaveFlags", "DomainSaveImageGetXmlDesc", "DomainSaveImageDefineXml",
        "DomainRestoreFlags", "DomainSaveParams", "DomainRestoreParams",
        "DomainManagedSave", "DomainManagedSaveRemove", "DomainCreate", "DomainShutdown", "DomainCreateWithFlags",
        "DomainShutdownFlags", "DomainCreateWithFiles", "DomainDestroy", "DomainCreateXml", "DomainDestroyFlags",
        "DomainUndefine", "DomainUndefineFlags",
        "NetworkCreate", "NetworkDestroy", "NetworkUndefine", "InterfaceCreate", "InterfaceDestroy", "InterfaceUndefine",
        "StorageVolWipe", "StorageVolWipePattern", "StorageVolDelete",
        "StoragePoolBuild", "StoragePoolCreate", "StoragePoolDestroy", "StoragePoolDelete", "StoragePoolUndefine",
        "NodeDeviceDestroy", "NodeDeviceUndefine",
    ];

    /// <summary>One call's result: "ok", "error CODE DOMAIN: message", or "BROKEN ..." for anything else.</summary>
    public sealed record Outcome(string Procedure, string Result)
    {
        public bool IsBroken => Result.StartsWith("BROKEN", StringComparison.Ordinal);

        public override string ToString() => $"{Procedure}: {Result}";
    }

    /// <summary>
    /// Procedures called a second time with other arguments (<see cref="ProcedureSweepArguments"/> has them under
    /// "Procedure/variant"), right after their first call.
    /// </summary>
    private static readonly Dictionary<string, string[]> Variants = new(StringComparer.Ordinal)
    {
        ["DomainGetSchedulerParameters"] = ["zero"],
        ["DomainGetSchedulerParametersFlags"] = ["zero"],
        ["DomainSetSchedulerParameters"] = ["empty"],
        ["DomainSetSchedulerParametersFlags"] = ["empty"],
        ["DomainSetMemoryParameters"] = ["empty"],
        ["DomainSetBlkioParameters"] = ["empty"],
        ["DomainSetNumaParameters"] = ["empty"],
        ["DomainSetInterfaceParameters"] = ["empty"],
        ["DomainSetBlockIoTune"] = ["empty"],
        ["DomainSetPerfEvents"] = ["empty"],
        ["DomainSetIothreadParams"] = ["empty"],
        ["NodeSetMemoryParameters"] = ["empty"],
        ["ConnectSetIdentity"] = ["unknown"],
    };

    /// <summary>One call of the sweep: a procedure, and which of its argument sets (null for the first).</summary>
    public sealed record Step(MethodInfo Method, string? Variant)
    {
        public string Procedure => ProcedureSweep.Name(Method);

        public string Key => Variant is null ? Procedure : $"{Procedure}/{Variant}";
    }

    /// <summary>
    /// The calls in the order the sweep makes them: the remote program's by number, then the qemu and lxc programs'
    /// (which the test driver refuses), then the destructive ones.
    /// </summary>
    public static IReadOnlyList<Step> Order()
    {
        List<MethodInfo> methods = [.. Calls(typeof(RemoteCalls)).OrderBy(m => (int)Enum.Parse<Procedure>(Name(m)))];
        var last = methods.Where(m => Last.Contains(Name(m))).OrderBy(m => Array.IndexOf(Last, Name(m))).ToList();
        List<MethodInfo> others = [.. Calls(typeof(QemuCalls)).OrderBy(m => (int)Enum.Parse<QemuProcedure>(Name(m)["Qemu".Length..])), .. Calls(typeof(LxcCalls))];
        return [.. methods.Except(last).Concat(others).Concat(last).SelectMany(Steps)];
    }

    private static IEnumerable<Step> Steps(MethodInfo method)
    {
        yield return new Step(method, null);
        foreach (string variant in Variants.GetValueOrDefault(Name(method), []).Concat(AskingTooMuch(method)))
        {
            yield return new Step(method, variant);
        }
    }

    /// <summary>A call that says how many typed parameters it wants is also made asking for far too many ("huge").</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Test code; the generated argument structs are not trimmed.")]
    private static string[] AskingTooMuch(MethodInfo method)
        => method.GetParameters() is [{ ParameterType: var args }, _] && args.GetField("Nparams") is not null ? ["huge"] : [];

    private static IEnumerable<MethodInfo> Calls([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type type)
        => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal) && !Skipped.ContainsKey(Name(m)));

    public static string Name(MethodInfo method) => method.Name[..^"Async".Length];

    /// <summary>Sweeps the server at <paramref name="uri"/>; <paramref name="scratch"/> receives files the calls write.</summary>
    /// <param name="uri">The server.</param>
    /// <param name="scratch">A directory for the files calls write.</param>
    /// <param name="replies">When given, receives each successful call's reply rendered as JSON (for reading, not comparing).</param>
    /// <param name="readOnly">Whether <paramref name="uri"/> is a read-only connection (the sweep then creates nothing first).</param>
    public static async Task<IReadOnlyList<Outcome>> RunAsync(string uri, string scratch, List<string>? replies = null, bool readOnly = false)
    {
        var outcomes = new List<Outcome>();
        LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(CallTimeout);
        try
        {
            var fixtures = await SweepFixtures.CreateAsync(connection.Remote, scratch, readOnly);
            foreach (Step step in Order())
            {
                object calls = step.Method.DeclaringType == typeof(QemuCalls) ? connection.Qemu
                    : step.Method.DeclaringType == typeof(LxcCalls) ? connection.Lxc
                    : connection.Remote;
                string result = await CallAsync(calls, step, fixtures, replies);
                if (result != "ok" && !await StillUsableAsync(connection.Remote))
                {
                    result = "BROKEN connection lost after " + result;
                    await connection.DisposeAsync();
                    connection = await LibvirtConnection.OpenAsync(uri).WaitAsync(CallTimeout);
                }

                outcomes.Add(new Outcome(step.Key, Normalise(result, scratch)));
                await fixtures.RefreshAsync(connection.Remote);
            }
        }
        finally
        {
            await connection.DisposeAsync();
        }

        return outcomes;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Test code; ValueTask's AsTask is not trimmed.")]
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Test code; replies are rendered for reading only.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Test code; replies are rendered for reading only.")]
    private static async Task<string> CallAsync(object calls, Step step, SweepFixtures fixtures, List<string>? replies)
    {
        ParameterInfo[] parameters = step.Method.GetParameters();
        object?[] arguments = new object?[parameters.Length];
        arguments[^1] = CancellationToken.None;
        if (parameters.Length == 2)
        {
            arguments[0] = ProcedureSweepArguments.Build(step.Procedure, step.Variant, parameters[0].ParameterType, fixtures);
        }

        try
        {
            object pending = step.Method.Invoke(calls, arguments)!;
            var task = (Task)pending.GetType().GetMethod("AsTask")!.Invoke(pending, null)!;
            await task.WaitAsync(CallTimeout);
            if (task.GetType().GetProperty("Result") is { } result)
            {
                object? reply = result.GetValue(task);
                fixtures.Remember(step.Procedure, reply);
                replies?.Add($"{step.Key}: {JsonSerializer.Serialize(reply, ReplyJson)}");
            }

            return "ok";
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return Describe(e.InnerException);
        }
        catch (Exception e)
        {
            return Describe(e);
        }
    }

    private static readonly JsonSerializerOptions ReplyJson = new() { IncludeFields = true };

    private static string Describe(Exception e) => e is LibvirtException error
        ? $"error {(int)error.Code} {(int)error.Domain}: {error.Message}"
        : $"BROKEN {e.GetType().Name}: {e.Message}";

    private static async Task<bool> StillUsableAsync(RemoteCalls remote)
    {
        try
        {
            await remote.ConnectGetLibVersionAsync().AsTask().WaitAsync(CallTimeout);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>Masks what differs between two servers by nature: scratch paths and generated UUIDs.</summary>
    private static string Normalise(string result, string scratch)
        => Uuid().Replace(result.Replace(scratch, "SCRATCH", StringComparison.Ordinal), "UUID");

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}
