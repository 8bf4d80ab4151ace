using System.Reflection;
using LibvirtRemote.Client.Rpc;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>The generated call classes have one method per call procedure of their program, with the procedure's body types.</summary>
public class GeneratedCallsCoverageTests
{
    public static TheoryData<string> Programs => new(["remote", "qemu", "lxc"]);

    [Theory]
    [MemberData(nameof(Programs))]
    public void EveryCallProcedureHasOneMethodWithItsBodyTypes(string program)
    {
        (ProcedureTable table, Type calls) = program switch
        {
            "remote" => (RemoteProtocol.Procedures, typeof(RemoteCalls)),
            "qemu" => (QemuProtocol.Procedures, typeof(QemuCalls)),
            _ => (LxcProtocol.Procedures, typeof(LxcCalls)),
        };
        MethodInfo[] methods = calls.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);
        List<ProcedureInfo> callProcedures = table.All.Where(p => !p.IsEvent).ToList();
        Assert.NotEmpty(callProcedures);
        Assert.Equal(callProcedures.Count, methods.Length);

        foreach (ProcedureInfo procedure in callProcedures)
        {
            string name = MethodName(procedure.Name, table.Name);
            MethodInfo? method = methods.SingleOrDefault(m => m.Name == name);
            Assert.True(method is not null, $"{calls.Name} has no {name} for {procedure.Name}");

            var expected = new List<Type>();
            if (procedure.Args is not null)
            {
                expected.Add(procedure.Args.ClrType);
            }

            if (procedure.Stream != StreamDirection.None)
            {
                expected.Add(typeof(IStreamPacketHandler));
            }

            expected.Add(typeof(CancellationToken));
            Assert.Equal(expected, method.GetParameters().Select(p => p.ParameterType));
            if (procedure.Ret is null)
            {
                Assert.Equal(typeof(ValueTask), method.ReturnType);
            }
            else
            {
                Assert.Equal(typeof(ValueTask<>), method.ReturnType.GetGenericTypeDefinition());
                Assert.Equal(procedure.Ret.ClrType, method.ReturnType.GetGenericArguments()[0]);
            }
        }
    }

    [Fact]
    public void EventProceduresHaveNoMethod()
    {
        ProcedureInfo lifecycle = RemoteProtocol.Procedures.All.Single(p => p.Name == "REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE");
        Assert.True(lifecycle.IsEvent);
        Assert.Null(typeof(RemoteCalls).GetMethod(MethodName(lifecycle.Name, "remote")));
        Assert.NotNull(typeof(RemoteCalls).GetMethod("DomainGetInfoAsync"));
    }

    // REMOTE_PROC_DOMAIN_GET_INFO → DomainGetInfoAsync; other programs keep their name, as their types do:
    // QEMU_PROC_DOMAIN_MONITOR_COMMAND → QemuDomainMonitorCommandAsync.
    private static string MethodName(string procedure, string program)
    {
        string rest = procedure[(procedure.IndexOf("_PROC_", StringComparison.Ordinal) + "_PROC_".Length)..];
        string words = program == "remote" ? rest : program.ToUpperInvariant() + "_" + rest;
        return string.Concat(words.Split('_').Select(w => w[..1] + w[1..].ToLowerInvariant())) + "Async";
    }
}
