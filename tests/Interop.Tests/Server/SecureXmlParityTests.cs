using LibvirtRemote.Interop.Tests.Support;
using Xunit;

namespace LibvirtRemote.Interop.Tests.Server;

/// <summary>
/// Secrets in domain XML: libvirt writes display passwords and network disk cookies only when secure output is asked
/// for (<c>--security-info</c>), in domain, snapshot and checkpoint XML alike, and always in a save image's XML.
/// </summary>
public sealed class SecureXmlParityTests
{
    private const string DomainXml = """
        <domain type='test'>
          <name>guarded</name>
          <memory>1048576</memory>
          <os><type>hvm</type></os>
          <devices>
            <disk type='network' device='disk'>
              <driver name='qemu' type='raw'/>
              <source protocol='http' name='/img.raw'>
                <host name='example.org' port='80'/>
                <cookies><cookie name='session'>c00kie</cookie></cookies>
              </source>
              <target dev='vda' bus='virtio'/>
            </disk>
            <graphics type='vnc' port='-1' passwd='vnc-s3cret' passwdValidTo='2030-01-01T00:00:00' keymap='en-us' sharePolicy='force-shared'/>
            <graphics type='spice' passwd='spice-s3cret' keymap='de' defaultMode='secure'/>
          </devices>
        </domain>
        """;

    [Fact]
    public async Task PasswordsAndCookiesAppearOnlyWithSecurityInfo()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("guarded.xml", DomainXml);
        string image = Path.Combine(pair.Directory, "guarded.save");
        string output = await pair.VirshSameAsync(
            $"define {xml}; echo PLAIN; dumpxml guarded; echo SECURE; dumpxml guarded --security-info; echo INACTIVE; dumpxml guarded --inactive; "
            + "start guarded; snapshot-create-as guarded s1; echo SNAPSHOT; snapshot-dumpxml guarded s1; echo SNAPSHOT-SECURE; snapshot-dumpxml guarded s1 --security-info; "
            + $"save guarded {image}; echo IMAGE; save-image-dumpxml {image}; restore {image}; destroy guarded",
            CreationTimes);

        string Section(string name, string next) => output[output.IndexOf(name + "\n", StringComparison.Ordinal)..output.IndexOf(next + "\n", StringComparison.Ordinal)];
        foreach (string plain in new[] { Section("PLAIN", "SECURE"), Section("INACTIVE", "SNAPSHOT"), Section("SNAPSHOT", "SNAPSHOT-SECURE") })
        {
            Assert.DoesNotContain("s3cret", plain, StringComparison.Ordinal);
            Assert.DoesNotContain("c00kie", plain, StringComparison.Ordinal);
            // The validity of a password is not secret.
            Assert.Contains("<graphics type='vnc' port='-1' autoport='yes' keymap='en-us' sharePolicy='force-shared' passwdValidTo='2030-01-01T00:00:00'>", plain, StringComparison.Ordinal);
        }

        foreach (string secure in new[] { Section("SECURE", "INACTIVE"), Section("SNAPSHOT-SECURE", "IMAGE"), output[output.IndexOf("IMAGE\n", StringComparison.Ordinal)..] })
        {
            Assert.Contains("keymap='en-us' sharePolicy='force-shared' passwd='vnc-s3cret' passwdValidTo='2030-01-01T00:00:00'>", secure, StringComparison.Ordinal);
            Assert.Contains("keymap='de' defaultMode='secure' passwd='spice-s3cret'>", secure, StringComparison.Ordinal);
            Assert.Contains("<cookie name='session'>c00kie</cookie>", secure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckpointXmlHidesPasswordsUnlessAsked()
    {
        await using TestDriverPair pair = await TestDriverPair.StartAsync().Within();
        string xml = pair.WriteFile("guarded.xml", DomainXml);
        string output = await pair.VirshSameAsync(
            $"create {xml}; checkpoint-create-as guarded c1; echo PLAIN; checkpoint-dumpxml guarded c1; echo SECURE; checkpoint-dumpxml guarded c1 --security-info",
            CreationTimes);
        int secure = output.IndexOf("SECURE\n", StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output[..secure], StringComparison.Ordinal);
        Assert.Contains("passwd='vnc-s3cret'", output[secure..], StringComparison.Ordinal);
    }

    private static string CreationTimes(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"<creationTime>\d+</creationTime>", "<creationTime>T</creationTime>");
}
