using LibvirtRemote.XdrGen;

namespace LibvirtRemote.Protocol.Tests;

/// <summary>Where the repository and the test data are (read in place, not copied to the output).</summary>
internal static class TestPaths
{
    public static string Root { get; } = Sources.FindRoot(AppContext.BaseDirectory);

    public static string Golden { get; } = Path.Combine(Root, "tests", "Protocol.Tests", "Golden");

    public static string GeneratorCases { get; } = Path.Combine(Root, "tests", "Protocol.Tests", "GeneratorCases");
}
