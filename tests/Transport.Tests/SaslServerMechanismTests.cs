using System.Security.Cryptography;
using System.Text;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>Our server mechanisms against our client mechanisms, and against the RFC 5802 / RFC 7677 SCRAM exchanges.</summary>
public sealed class SaslServerMechanismTests
{
    private const string Password = "correct horse";
    private static readonly SaslUserDatabase Users = CreateUsers();

    public static TheoryData<string> Mechanisms => new() { "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "DIGEST-MD5" };

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void ClientAndServerAgreeOnTheRightPassword(string mechanism)
    {
        ISaslClientMechanism client = Client(mechanism, "alice", Password);
        ISaslServerMechanism server = SaslServerMechanisms.Create(mechanism, Users)!;
        SaslServerStep result = SaslExchange.Run(client, server);
        Assert.Equal(SaslStepOutcome.Success, result.Outcome);
        Assert.True(client.IsComplete);
        Assert.Equal("alice", server.AuthenticatedUser);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void WrongPasswordFails(string mechanism)
    {
        ISaslServerMechanism server = SaslServerMechanisms.Create(mechanism, Users)!;
        SaslServerStep result = SaslExchange.Run(Client(mechanism, "alice", "wrong"), server);
        Assert.Equal(SaslStepOutcome.Failure, result.Outcome);
        Assert.Contains("wrong password", result.FailureReason, StringComparison.Ordinal);
        Assert.Null(server.AuthenticatedUser);
        Assert.Null(server.SecurityLayer);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void UnknownUserFails(string mechanism)
    {
        ISaslServerMechanism server = SaslServerMechanisms.Create(mechanism, Users)!;
        SaslServerStep result = SaslExchange.Run(Client(mechanism, "mallory", Password), server);
        Assert.Equal(SaslStepOutcome.Failure, result.Outcome);
        Assert.Contains("unknown user", result.FailureReason, StringComparison.Ordinal);
        Assert.Null(server.AuthenticatedUser);
    }

    [Fact]
    public void ScramDoesNotRevealUnknownUsersBeforeTheProof()
    {
        var server = new ScramServerMechanism(HashAlgorithmName.SHA256, Users);
        SaslServerStep first = server.Step("n,,n=mallory,r=abc"u8.ToArray());
        Assert.Equal(SaslStepOutcome.Continue, first.Outcome);
        Assert.Matches("^r=abc[^,]+,s=[^,]+,i=4096$", Encoding.UTF8.GetString(first.Data!));
    }

    [Theory]
    [InlineData(null, "rc4")]
    [InlineData("3des", "3des")]
    [InlineData("rc4-56", "rc4-56")]
    public void DigestMd5OnPlainTcpNegotiatesACipher(string? preferred, string expected)
    {
        var client = new DigestMd5Mechanism("alice", Password, "libvirt", "host") { MinSsf = 56, MaxSsf = 100000, PreferredCipher = preferred };
        ISaslServerMechanism server = SaslServerMechanisms.Create("DIGEST-MD5", Users, minSsf: 56)!;
        Assert.Equal(SaslStepOutcome.Success, SaslExchange.Run(client, server).Outcome);
        Assert.Equal(expected, client.Cipher);
        Assert.NotNull(client.SecurityLayer);
        Assert.True(server.SecurityLayer!.Ssf >= 56);
        Assert.Equal(client.SecurityLayer.Ssf, server.SecurityLayer.Ssf);
    }

    [Fact]
    public void PlainTcpOffersOnlyDigestMd5AndItsCiphersOfAtLeast56Bits()
    {
        Assert.Equal(["DIGEST-MD5"], SaslServerMechanisms.Offered(secureChannel: false));
        Assert.Null(SaslServerMechanisms.Create("SCRAM-SHA-256", Users, minSsf: 56));
        Assert.Null(SaslServerMechanisms.Create("PLAIN", Users, minSsf: 56));
        Assert.Null(SaslServerMechanisms.Create("plain", Users));
        SaslServerStep challenge = SaslServerMechanisms.Create("DIGEST-MD5", Users, minSsf: 56)!.Step(null);
        Dictionary<string, string> offered = DigestMd5Tests.Directives(challenge.Data!);
        Assert.Equal("auth-conf", offered["qop"]);
        Assert.Equal("rc4-56,3des,rc4", offered["cipher"]);

        // A client that would settle for less is refused.
        var weak = new DigestMd5Mechanism("alice", Password, "libvirt", "host") { MinSsf = 0, MaxSsf = 0 };
        weak.InitialResponse();
        Assert.Throws<SaslException>(() => weak.EvaluateChallenge(challenge.Data!));
    }

    [Fact]
    public void StartWithoutDataGetsAnEmptyChallengeForScramAndPlain()
    {
        var scram = new ScramServerMechanism(HashAlgorithmName.SHA256, Users);
        SaslServerStep step = scram.Step(null);
        Assert.Equal(SaslStepOutcome.Continue, step.Outcome);
        Assert.Empty(step.Data!);
        var client = new ScramMechanism(HashAlgorithmName.SHA256, "alice", Password);
        step = scram.Step(client.InitialResponse());
        Assert.Equal(SaslStepOutcome.Continue, step.Outcome);
        step = scram.Step(client.EvaluateChallenge(step.Data!));
        Assert.Equal(SaslStepOutcome.Success, step.Outcome);

        var plain = new PlainServerMechanism(Users);
        Assert.Equal(SaslStepOutcome.Continue, plain.Step(null).Outcome);
        Assert.Equal(SaslStepOutcome.Success, plain.Step(new PlainMechanism("alice", Password).InitialResponse()).Outcome);
    }

    [Theory]
    [InlineData("p=tls-unique,,n=alice,r=abc", "channel binding")]
    [InlineData("n,a=bob,n=alice,r=abc", "authorization identity")]
    [InlineData("n,,n=alice", "lacks")]
    [InlineData("n,,m=x,n=alice,r=abc", "extension")]
    [InlineData("garbage", "malformed")]
    public void ScramServerRejectsBadClientFirstMessages(string message, string expected)
    {
        SaslServerStep step = new ScramServerMechanism(HashAlgorithmName.SHA256, Users).Step(Encoding.UTF8.GetBytes(message));
        Assert.Equal(SaslStepOutcome.Failure, step.Outcome);
        Assert.Contains(expected, step.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainRejectsAnotherAuthorizationIdentityAndMalformedMessages()
    {
        Assert.Equal(SaslStepOutcome.Failure, new PlainServerMechanism(Users).Step(new PlainMechanism("alice", Password, "root").InitialResponse()).Outcome);
        Assert.Equal(SaslStepOutcome.Failure, new PlainServerMechanism(Users).Step("alice"u8.ToArray()).Outcome);
    }

    // RFC 5802 section 5 and RFC 7677 section 3: user "user", password "pencil".
    [Theory]
    [InlineData("SHA1", "QSXCR+Q6sek8bf92", "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j",
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")]
    [InlineData("SHA256", "W22ZaJ0SNY7soEsUEjb6gQ==", "rOprNGfwEbeRWgbNEkqO", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")]
    public void ScramServerReproducesTheRfcExchange(string hash, string salt, string clientNonce, string serverNonce, string clientFinal, string serverFinal)
    {
        var name = new HashAlgorithmName(hash);
        var users = new SaslUserDatabase("r");
        ScramCredential credential = ScramCredential.FromPassword(name, "pencil", Convert.FromBase64String(salt), 4096);
        users.SetUser(new SaslUser("user", hash == "SHA256" ? credential : null, hash == "SHA1" ? credential : null, null, null));
        var server = new ScramServerMechanism(name, users) { ServerNonce = serverNonce };
        SaslServerStep first = server.Step(Encoding.UTF8.GetBytes("n,,n=user,r=" + clientNonce));
        Assert.Equal(SaslStepOutcome.Continue, first.Outcome);
        Assert.Equal($"r={clientNonce}{serverNonce},s={salt},i=4096", Encoding.UTF8.GetString(first.Data!));
        SaslServerStep final = server.Step(Encoding.UTF8.GetBytes(clientFinal));
        Assert.Equal(SaslStepOutcome.Success, final.Outcome);
        Assert.Equal(serverFinal, Encoding.UTF8.GetString(final.Data!));
        Assert.Equal("user", server.AuthenticatedUser);

        // The same exchange with one bit of the proof flipped is refused.
        var again = new ScramServerMechanism(name, users) { ServerNonce = serverNonce };
        again.Step(Encoding.UTF8.GetBytes("n,,n=user,r=" + clientNonce));
        string forged = clientFinal[..^3] + (clientFinal[^3] == 'A' ? 'B' : 'A') + clientFinal[^2..];
        Assert.Equal(SaslStepOutcome.Failure, again.Step(Encoding.UTF8.GetBytes(forged)).Outcome);
    }

    private static ISaslClientMechanism Client(string mechanism, string user, string password) => mechanism switch
    {
        "SCRAM-SHA-256" => new ScramMechanism(HashAlgorithmName.SHA256, user, password),
        "SCRAM-SHA-1" => new ScramMechanism(HashAlgorithmName.SHA1, user, password),
        "PLAIN" => new PlainMechanism(user, password),
        _ => new DigestMd5Mechanism(user, password, "libvirt", "host") { MaxSsf = 0 },
    };

    private static SaslUserDatabase CreateUsers()
    {
        var users = new SaslUserDatabase("test.realm");
        users.AddUser("alice", Password);
        users.AddUser("bob", "other");
        return users;
    }
}
