using System.Security.Cryptography;
using System.Text;
using LibvirtRemote.Transport.Sasl;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>SASL client mechanisms against the example exchanges of their RFCs.</summary>
public sealed class SaslMechanismTests
{
    public static TheoryData<string, string, string, string, string, string> RfcExchanges => new()
    {
        // RFC 5802 section 5.
        {
            "SHA1", "fyko+d2lbbFgONRv9qkxdawL",
            "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="
        },

        // RFC 7677 section 3.
        {
            "SHA256", "rOprNGfwEbeRWgbNEkqO",
            "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
        },
    };

    [Theory]
    [MemberData(nameof(RfcExchanges))]
    public void ScramProducesTheRfcExchange(string hash, string nonce, string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        var scram = new ScramMechanism(new HashAlgorithmName(hash), "user", "pencil", nonce);
        Assert.Equal(hash == "SHA1" ? "SCRAM-SHA-1" : "SCRAM-SHA-256", scram.Name);
        Assert.Equal(clientFirst, Encoding.UTF8.GetString(scram.InitialResponse()!));
        Assert.Equal(clientFinal, Encoding.UTF8.GetString(scram.EvaluateChallenge(Encoding.UTF8.GetBytes(serverFirst))));
        Assert.False(scram.IsComplete);
        Assert.Empty(scram.EvaluateChallenge(Encoding.UTF8.GetBytes(serverFinal)));
        Assert.True(scram.IsComplete);
    }

    [Theory]
    [MemberData(nameof(RfcExchanges))]
    public void ScramRejectsAServerThatDoesNotKnowThePassword(string hash, string nonce, string clientFirst, string serverFirst, string clientFinal, string serverFinal)
    {
        _ = clientFirst;
        _ = clientFinal;
        var scram = new ScramMechanism(new HashAlgorithmName(hash), "user", "not-pencil", nonce);
        scram.InitialResponse();
        scram.EvaluateChallenge(Encoding.UTF8.GetBytes(serverFirst));
        SaslException error = Assert.Throws<SaslException>(() => scram.EvaluateChallenge(Encoding.UTF8.GetBytes(serverFinal)));
        Assert.Contains("signature is wrong", error.Message, StringComparison.Ordinal);
        Assert.False(scram.IsComplete);
    }

    [Theory]
    [InlineData("r=other-nonce,s=QSXCR+Q6sek8bf92,i=4096", "does not extend")]
    [InlineData("r=abc,s=QSXCR+Q6sek8bf92,i=4096", "does not extend")]
    [InlineData("r=abcdef,s=QSXCR+Q6sek8bf92,i=0", "iteration count")]
    [InlineData("r=abcdef,s=QSXCR+Q6sek8bf92", "malformed")]
    [InlineData("m=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=1", "extension")]
    [InlineData("e=unknown-user", "unknown-user")]
    [InlineData("r=abcdef,s=!!!,i=1", "base64")]
    public void ScramRejectsBadServerFirstMessages(string serverFirst, string expected)
    {
        var scram = new ScramMechanism(HashAlgorithmName.SHA256, "user", "pencil", "abc");
        scram.InitialResponse();
        SaslException error = Assert.Throws<SaslException>(() => scram.EvaluateChallenge(Encoding.UTF8.GetBytes(serverFirst)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ScramEscapesCommaAndEqualsInTheUserName()
    {
        var scram = new ScramMechanism(HashAlgorithmName.SHA256, "a,b=c", "pencil", "xyz");
        Assert.Equal("n,,n=a=2Cb=3Dc,r=xyz", Encoding.UTF8.GetString(scram.InitialResponse()!));
    }

    [Fact]
    public void ScramNoncesAreRandom()
    {
        string first = Encoding.UTF8.GetString(new ScramMechanism(HashAlgorithmName.SHA1, "u", "p").InitialResponse()!);
        string second = Encoding.UTF8.GetString(new ScramMechanism(HashAlgorithmName.SHA1, "u", "p").InitialResponse()!);
        Assert.StartsWith("n,,n=u,r=", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void PlainSendsAuthzidUserAndPasswordSeparatedByNul()
    {
        var plain = new PlainMechanism("tim", "tanstaaftanstaaf");
        Assert.Equal("PLAIN", plain.Name);
        Assert.Equal("\0tim\0tanstaaftanstaaf"u8.ToArray(), plain.InitialResponse());
        Assert.True(plain.IsComplete);
        Assert.Equal("Ursel\0Kurt\0xipj3plmq"u8.ToArray(), new PlainMechanism("Kurt", "xipj3plmq", "Ursel").InitialResponse());
        Assert.Throws<SaslException>(() => plain.EvaluateChallenge("more?"u8));
    }
}
