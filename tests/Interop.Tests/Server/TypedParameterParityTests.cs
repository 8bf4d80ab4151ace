using LibvirtRemote.Client;
using LibvirtRemote.Interop.Tests.Support;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Typed-parameter lists that only a raw client can send (python and virsh build them from dictionaries): repeated
/// names and several bad entries at once, where libvirt's check reports the first offender in name order.
/// </summary>
public sealed class TypedParameterParityTests
{
    private const int Int = 1;
    private const int Ullong = 4;

    public static TheoryData<string> Cases => new(["repeated", "unknown-before-wrong-type", "two-wrong-types"]);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MemoryParametersAreCheckedInNameOrderAsLibvirtdChecksThem(string name)
    {
        TypedParam[] parameters = name switch
        {
            "repeated" => [Param("hard_limit", Ullong), Param("hard_limit", Ullong)],
            "unknown-before-wrong-type" => [Param("hard_limit", Int), Param("aaa", Ullong)],
            _ => [Param("swap_hard_limit", Int), Param("hard_limit", Int)],
        };

        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        LibvirtException libvirtd = await RefusalAsync(pair.LibvirtdUri, parameters);
        LibvirtException ours = await RefusalAsync(pair.OursUri, parameters);

        Assert.Equal((libvirtd.Code, libvirtd.Domain, libvirtd.Message), (ours.Code, ours.Domain, ours.Message));
        Assert.Contains(name switch { "repeated" => "occurs multiple times", "unknown-before-wrong-type" => "'aaa' not supported", _ => "'hard_limit'" }, ours.Message, StringComparison.Ordinal);
    }

    private static async Task<LibvirtException> RefusalAsync(string uri, TypedParam[] parameters)
    {
        await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri).Within();
        NonnullDomain domain = (await connection.Remote.DomainLookupByNameAsync(new DomainLookupByNameArgs { Name = "test" }).AsTask().Within()).Dom;
        return await Assert.ThrowsAsync<LibvirtException>(
            () => connection.Remote.DomainSetMemoryParametersAsync(new DomainSetMemoryParametersArgs { Dom = domain, Params = parameters }).AsTask().Within());
    }

    private static TypedParam Param(string field, int type) => new()
    {
        Field = field,
        Value = new TypedParamValue { Type = type, I = 1, Ul = 1024 },
    };
}
