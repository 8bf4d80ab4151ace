using LibvirtRemote.XdrGen;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>The parsed .x files of the repository and every generated type's boxed codec, loaded once.</summary>
internal static class SchemaFixture
{
    private static readonly Lazy<Schema> LazySchema = new(() =>
        new Schema(Sources.Files.Select(f => (f, File.ReadAllText(Path.Combine(TestPaths.Root, f))))));

    public static Schema Schema => LazySchema.Value;

    public static IReadOnlyList<XdrTypeInfo> AllTypes { get; } =
    [
        .. VirNetProtocol.Types,
        .. KeepaliveProtocol.Types,
        .. LibvirtConstants.Types,
        .. RemoteProtocol.Types,
        .. QemuProtocol.Types,
        .. LxcProtocol.Types,
        .. AdminProtocol.Types,
    ];
}
