using LibvirtRemote.Transport.Tls;
using Xunit;

namespace LibvirtRemote.Transport.Tests.Tls;

public sealed class TlsPkiFilesTests
{
    [Fact]
    public void PkiPathHoldsAllThreeFiles()
    {
        TlsPkiFiles files = TlsPkiFiles.Locate("/srv/pki", tryUserDirectory: true, "/home/u", _ => true);
        Assert.Equal(new TlsPkiFiles("/srv/pki/cacert.pem", "/srv/pki/clientcert.pem", "/srv/pki/clientkey.pem"), files);
    }

    [Fact]
    public void RootUsesTheSystemPathsEvenWhenTheUserDirectoryHasFiles()
    {
        TlsPkiFiles files = TlsPkiFiles.Locate(null, tryUserDirectory: false, "/root", _ => true);
        Assert.Equal(new TlsPkiFiles("/etc/pki/CA/cacert.pem", "/etc/pki/libvirt/clientcert.pem", "/etc/pki/libvirt/private/clientkey.pem"), files);
    }

    [Fact]
    public void NonRootTakesEachUserFileThatExists()
    {
        TlsPkiFiles files = TlsPkiFiles.Locate(null, tryUserDirectory: true, "/home/u", _ => true);
        Assert.Equal(new TlsPkiFiles("/home/u/.pki/libvirt/cacert.pem", "/home/u/.pki/libvirt/clientcert.pem", "/home/u/.pki/libvirt/clientkey.pem"), files);
    }

    [Fact]
    public void UserCaAloneIsTakenAndTheCertificateFallsBackToTheSystemPair()
    {
        TlsPkiFiles files = TlsPkiFiles.Locate(null, tryUserDirectory: true, "/home/u", p => p.EndsWith("cacert.pem", StringComparison.Ordinal));
        Assert.Equal(new TlsPkiFiles("/home/u/.pki/libvirt/cacert.pem", "/etc/pki/libvirt/clientcert.pem", "/etc/pki/libvirt/private/clientkey.pem"), files);
    }

    [Fact]
    public void UserCertificateWithoutItsKeyIsIgnored()
    {
        TlsPkiFiles files = TlsPkiFiles.Locate(null, tryUserDirectory: true, "/home/u", p => p.EndsWith("clientcert.pem", StringComparison.Ordinal));
        Assert.Equal(new TlsPkiFiles("/etc/pki/CA/cacert.pem", "/etc/pki/libvirt/clientcert.pem", "/etc/pki/libvirt/private/clientkey.pem"), files);
    }
}
