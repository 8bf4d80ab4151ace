using System.Security.Cryptography;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>The SASL user database: what it stores, its file format, and that a saved file still authenticates.</summary>
public sealed class SaslUserDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lvr-sasldb-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task SavedFileHoldsNoPasswordIsPrivateAndStillAuthenticatesEveryMechanism()
    {
        var users = new SaslUserDatabase("example.org");
        users.AddUser("alice", "plaintext-password-1");
        users.AddUser("name with space:and=colon%", "other");
        string path = Path.Combine(_directory, "users");
        await users.SaveAsync(path).WaitAsync(TimeSpan.FromSeconds(30));

        string text = await File.ReadAllTextAsync(path).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("plaintext-password-1", text, StringComparison.Ordinal);
        Assert.StartsWith("# LibvirtRemote SASL user database, version 1\nrealm example.org\n", text, StringComparison.Ordinal);
        Assert.Contains("\nalice scram-sha-256=4096:", text, StringComparison.Ordinal);
        Assert.Contains("\nname%20with%20space%3Aand%3Dcolon%25 ", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        SaslUserDatabase loaded = await SaslUserDatabase.LoadAsync(path).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("example.org", loaded.Realm);
        Assert.Equal(["alice", "name with space:and=colon%"], loaded.Users.Select(u => u.Name));
        Assert.Equal(text, loaded.Format());
        foreach (string mechanism in SaslServerMechanisms.All)
        {
            ISaslClientMechanism client = mechanism switch
            {
                "SCRAM-SHA-256" => new ScramMechanism(HashAlgorithmName.SHA256, "alice", "plaintext-password-1"),
                "SCRAM-SHA-1" => new ScramMechanism(HashAlgorithmName.SHA1, "alice", "plaintext-password-1"),
                "PLAIN" => new PlainMechanism("alice", "plaintext-password-1"),
                _ => new DigestMd5Mechanism("alice", "plaintext-password-1", "libvirt", "h") { MinSsf = 56, MaxSsf = 1000 },
            };
            ISaslServerMechanism server = SaslServerMechanisms.Create(mechanism, loaded, minSsf: mechanism == "DIGEST-MD5" ? 56 : 0)!;
            Assert.Equal(SaslStepOutcome.Success, SaslExchange.Run(client, server).Outcome);
        }
    }

    [Fact]
    public void AddingAgainReplacesSecretsWithFreshSaltsAndRemoveForgets()
    {
        var users = new SaslUserDatabase("r");
        SaslUser first = users.AddUser("bob", "one");
        SaslUser second = users.AddUser("bob", "one");
        Assert.NotEqual(first.ScramSha256!.Salt, second.ScramSha256!.Salt);
        Assert.Equal(first.DigestHash, second.DigestHash);
        Assert.True(second.ScramSha256.Verify("one"));
        Assert.False(second.ScramSha256.Verify("two"));
        Assert.Single(users.Users);
        Assert.True(users.RemoveUser("bob"));
        Assert.False(users.RemoveUser("bob"));
        Assert.Null(users.Find("bob"));
    }

    [Fact]
    public void UsersWithoutDigestSecretsCannotUseDigestMd5()
    {
        var users = new SaslUserDatabase("r");
        users.AddUser("carol", "pw", digestMd5: false);
        Assert.DoesNotContain("digest-md5", users.Format(), StringComparison.Ordinal);
        SaslServerStep result = SaslExchange.Run(new DigestMd5Mechanism("carol", "pw", "libvirt", "h") { MaxSsf = 0 }, new DigestMd5ServerMechanism(users));
        Assert.Equal(SaslStepOutcome.Failure, result.Outcome);
        Assert.Equal(SaslStepOutcome.Success, SaslExchange.Run(new PlainMechanism("carol", "pw"), new PlainServerMechanism(users)).Outcome);
    }

    [Theory]
    [InlineData("alice scram-sha-256=x:AAAA:AAAA:AAAA", "line 1")]
    [InlineData("# c\n\nalice digest-md5=r:00", "line 3")]
    [InlineData("alice password=secret", "unknown secret")]
    [InlineData("alice scram-sha-1=4096:AAAA:AAAA:AAAA", "20 bytes")]
    [InlineData("realm a b", "one value")]
    public void MalformedFilesAreRefusedWithTheLine(string text, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => SaslUserDatabase.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
