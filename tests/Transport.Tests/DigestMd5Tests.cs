using System.Text;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>DIGEST-MD5 (RFC 2831): the RFC's example exchanges on both sides, negotiation of the protection, and errors.</summary>
public sealed class DigestMd5Tests
{
    private const string Realm = "elwood.innosoft.com";

    // RFC 2831 section 4: the IMAP and ACAP examples (user chris, password secret).
    public static TheoryData<string, string, string, string, string> RfcExamples => new()
    {
        { "imap", "OA6MG9tEQGm2hh", "OA6MHXh6VqTrRk", "d388dad90d4bbd760a152321f2143af7", "ea40f60335c427b5527b84dbabcdfffd" },
        { "acap", "OA9BSXrbuRhWay", "OA9BSuZWMSpW8m", "6084c6db3fede7352c551284490fd0fc", "2f0b3d7c3c2e486600ef710726aa2eae" },
    };

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void ClientProducesTheRfcResponseAndChecksRspAuth(string service, string nonce, string cnonce, string response, string rspauth)
    {
        var client = new DigestMd5Mechanism("chris", "secret", service, Realm) { ClientNonce = cnonce };
        Assert.Null(client.InitialResponse());
        string challenge = $"realm=\"{Realm}\",nonce=\"{nonce}\",qop=\"auth\",algorithm=md5-sess,charset=utf-8";
        Dictionary<string, string> sent = Directives(client.EvaluateChallenge(Encoding.UTF8.GetBytes(challenge)));
        Assert.Equal(response, sent["response"]);
        Assert.Equal("chris", sent["username"]);
        Assert.Equal(Realm, sent["realm"]);
        Assert.Equal(cnonce, sent["cnonce"]);
        Assert.Equal("00000001", sent["nc"]);
        Assert.Equal("auth", sent["qop"]);
        Assert.Equal($"{service}/{Realm}", sent["digest-uri"]);
        Assert.False(client.IsComplete);
        Assert.Empty(client.EvaluateChallenge(Encoding.UTF8.GetBytes("rspauth=" + rspauth)));
        Assert.True(client.IsComplete);
        Assert.Null(client.SecurityLayer);
    }

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void ClientRejectsAWrongRspAuth(string service, string nonce, string cnonce, string response, string rspauth)
    {
        _ = response;
        var client = new DigestMd5Mechanism("chris", "secret", service, Realm) { ClientNonce = cnonce };
        client.InitialResponse();
        client.EvaluateChallenge(Encoding.UTF8.GetBytes($"realm=\"{Realm}\",nonce=\"{nonce}\",qop=\"auth\",algorithm=md5-sess,charset=utf-8"));
        string wrong = rspauth[..^1] + (rspauth[^1] == '0' ? '1' : '0');
        SaslException error = Assert.Throws<SaslException>(() => client.EvaluateChallenge(Encoding.UTF8.GetBytes("rspauth=" + wrong)));
        Assert.Contains("rspauth is wrong", error.Message, StringComparison.Ordinal);
        Assert.False(client.IsComplete);
    }

    [Theory]
    [MemberData(nameof(RfcExamples))]
    public void ServerAcceptsTheRfcResponseAndAnswersTheRfcRspAuth(string service, string nonce, string cnonce, string response, string rspauth)
    {
        var users = new SaslUserDatabase(Realm);
        users.AddUser("chris", "secret");
        var server = new DigestMd5ServerMechanism(users, service) { Nonce = nonce };
        SaslServerStep challenge = server.Step(null);
        Assert.Equal(SaslStepOutcome.Continue, challenge.Outcome);
        Dictionary<string, string> offered = Directives(challenge.Data!);
        Assert.Equal(Realm, offered["realm"]);
        Assert.Equal(nonce, offered["nonce"]);
        Assert.Equal("md5-sess", offered["algorithm"]);

        string clientResponse = $"charset=utf-8,username=\"chris\",realm=\"{Realm}\",nonce=\"{nonce}\",nc=00000001,cnonce=\"{cnonce}\",digest-uri=\"{service}/{Realm}\",response={response},qop=auth";
        SaslServerStep result = server.Step(Encoding.UTF8.GetBytes(clientResponse));
        Assert.Equal(SaslStepOutcome.Success, result.Outcome);
        Assert.Equal("rspauth=" + rspauth, Encoding.UTF8.GetString(result.Data!));
        Assert.Equal("chris", server.AuthenticatedUser);
        Assert.Null(server.SecurityLayer);
    }

    [Theory]
    [InlineData(56, int.MaxValue, "auth-conf", "rc4")]
    [InlineData(100, int.MaxValue, "auth-conf", "rc4")]
    [InlineData(113, int.MaxValue, "auth-conf", "rc4")]
    [InlineData(56, 112, "auth-conf", "3des")]
    [InlineData(56, 111, "auth-conf", "rc4-56")]
    [InlineData(1, 55, "auth-conf", "des")]
    [InlineData(1, 40, "auth-conf", "rc4-40")]
    [InlineData(0, 1, "auth-int", null)]
    [InlineData(0, 0, "auth", null)]
    public void ClientPicksTheStrongestProtectionWithinItsBounds(int minSsf, int maxSsf, string qop, string? cipher)
    {
        var client = new DigestMd5Mechanism("u", "p", "libvirt", "h") { MinSsf = minSsf, MaxSsf = maxSsf };
        client.InitialResponse();
        Dictionary<string, string> sent = Directives(client.EvaluateChallenge(
            "realm=\"r\",nonce=\"n\",qop=\"auth,auth-int,auth-conf\",cipher=\"rc4-40,rc4-56,rc4,des,3des\",maxbuf=65536,charset=utf-8,algorithm=md5-sess"u8));
        Assert.Equal(qop, client.Qop);
        Assert.Equal(cipher, client.Cipher);
        Assert.Equal(qop, sent["qop"]);
        Assert.Equal(cipher, sent.GetValueOrDefault("cipher"));
    }

    [Fact]
    public void ClientRefusesWhenNothingOfferedIsStrongEnough()
    {
        var client = new DigestMd5Mechanism("u", "p", "libvirt", "h") { MinSsf = 56 };
        client.InitialResponse();
        SaslException error = Assert.Throws<SaslException>(() => client.EvaluateChallenge(
            "realm=\"r\",nonce=\"n\",qop=\"auth,auth-int,auth-conf\",cipher=\"rc4-40,des\",charset=utf-8,algorithm=md5-sess"u8));
        Assert.Contains("at least 56 bits", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("realm=\"r\",qop=\"auth\",algorithm=md5-sess", "no nonce")]
    [InlineData("realm=\"r\",nonce=\"n\",qop=\"auth\"", "no algorithm")]
    [InlineData("realm=\"r\",nonce=\"n\",nonce=\"m\",algorithm=md5-sess", "more than once")]
    [InlineData("realm=\"r\",nonce=\"n,algorithm=md5-sess", "unterminated")]
    [InlineData("nonce=\"n\",algorithm=md5-sess,maxbuf=12", "maxbuf")]
    public void ClientRejectsMalformedChallenges(string challenge, string expected)
    {
        var client = new DigestMd5Mechanism("u", "p", "libvirt", "h");
        client.InitialResponse();
        SaslException error = Assert.Throws<SaslException>(() => client.EvaluateChallenge(Encoding.UTF8.GetBytes(challenge)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuotedValuesAreEscaped()
    {
        var client = new DigestMd5Mechanism("a\"b\\c", "p", "libvirt", "h") { ClientNonce = "c" };
        client.InitialResponse();
        string sent = Encoding.UTF8.GetString(client.EvaluateChallenge("nonce=\"n\",qop=\"auth\",algorithm=md5-sess,charset=utf-8"u8));
        Assert.Contains("username=\"a\\\"b\\\\c\"", sent, StringComparison.Ordinal);
        Assert.Equal("a\"b\\c", Directives(Encoding.UTF8.GetBytes(sent))["username"]);
    }

    // An independent reading of the directive list, so the tests do not trust the parser they test.
    internal static Dictionary<string, string> Directives(byte[] message)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string text = Encoding.UTF8.GetString(message);
        int i = 0;
        while (i < text.Length)
        {
            int equals = text.IndexOf('=', i);
            string name = text[i..equals];
            var value = new StringBuilder();
            i = equals + 1;
            if (text[i] == '"')
            {
                for (i++; text[i] != '"'; i++)
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }

                    value.Append(text[i]);
                }

                i++;
            }
            else
            {
                for (; i < text.Length && text[i] != ','; i++)
                {
                    value.Append(text[i]);
                }
            }

            result[name] = value.ToString();
            i++;
        }

        return result;
    }
}
