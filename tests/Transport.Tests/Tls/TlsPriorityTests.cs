using System.Security.Authentication;
using LibvirtRemote.Transport.Tls;
using Xunit;

namespace LibvirtRemote.Transport.Tests.Tls;

public sealed class TlsPriorityTests
{
    [Theory]
    [InlineData(null, SslProtocols.None)]
    [InlineData("NORMAL", SslProtocols.None)]
    [InlineData("SECURE256:+SECURE128:-VERS-TLS-ALL:+VERS-TLS1.2", SslProtocols.Tls12)]
    [InlineData("NORMAL:-VERS-TLS1.3", SslProtocols.Tls12)]
    [InlineData("NORMAL:-VERS-ALL:+VERS-TLS1.3", SslProtocols.Tls13)]
    [InlineData("NORMAL:-VERS-TLS1.0:-VERS-TLS1.1", SslProtocols.None)]
    [InlineData("NORMAL:%COMPAT:-CIPHER-ALL:+AES-256-GCM", SslProtocols.None)]
    public void VersionKeywordsMapToProtocols(string? priority, SslProtocols expected)
        => Assert.Equal(expected, TlsPriority.ToProtocols(priority));

    [Fact]
    public void RulingOutEveryVersionIsAnError()
        => Assert.Throws<ArgumentException>(() => TlsPriority.ToProtocols("NORMAL:-VERS-ALL"));
}
