using System.Security.Cryptography;
using System.Text;
using LibvirtRemote.Transport.Sasl;

namespace LibvirtRemote.Fuzz.Targets;

/// <summary>
/// The client SASL mechanisms' parsing of server messages. The first input byte picks the mechanism
/// (SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, DIGEST-MD5); the rest, split at NUL bytes, is the sequence of server messages fed to
/// <see cref="ISaslClientMechanism.EvaluateChallenge"/>. Only <see cref="SaslException"/> may come out.
/// </summary>
public sealed class SaslTarget : IFuzzTarget
{
    private const string Nonce = "fyko+d2lbbFgONRv9qkxdawL";

    /// <inheritdoc/>
    public string Name => "sasl";

    /// <inheritdoc/>
    public bool MeasuresAllocation => true;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus) =>
    [
        Seed(0, $"r={Nonce}3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=16", "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
        Seed(1, $"r={Nonce}abc,s=c2FsdA==,i=1", "v=AAAA,x=y"),
        Seed(0, $"r={Nonce}x,s=,i=4", "e=invalid-proof"),
        Seed(1, "e=other-error"),
        Seed(2, string.Empty),
        Seed(2, "unexpected"),
        Seed(0, $"m=ext,r={Nonce}x,s=QQ==,i=2"),
        Seed(3, "realm=\"elwood.innosoft.com\",nonce=\"OA6MG9tEQGm2hh\",qop=\"auth,auth-int,auth-conf\",cipher=\"rc4,3des\",algorithm=md5-sess,charset=utf-8,maxbuf=65536", "rspauth=ea40f60335c427b5527b84dbabcdfffd"),
        Seed(3, "nonce=\"abc\",algorithm=md5-sess"),
    ];

    /// <inheritdoc/>
    public bool IsExpected(Exception exception) => exception is SaslException;

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        ISaslClientMechanism mechanism = (input[0] % 4) switch
        {
            0 => new ScramMechanism(HashAlgorithmName.SHA256, "user", "pencil", Nonce),
            1 => new ScramMechanism(HashAlgorithmName.SHA1, "user", "pencil", Nonce),
            2 => new PlainMechanism("user", "pencil"),
            _ => new DigestMd5Mechanism("user", "pencil", "libvirt", "localhost") { ClientNonce = "OA6MHXh6VqTrRk", MinSsf = input.Length % 2 == 0 ? 0 : 56 },
        };

        _ = mechanism.InitialResponse();
        ReadOnlySpan<byte> rest = input.AsSpan(1);
        while (true)
        {
            int nul = rest.IndexOf((byte)0);
            ReadOnlySpan<byte> message = nul < 0 ? rest : rest[..nul];
            _ = mechanism.EvaluateChallenge(message);
            if (nul < 0)
            {
                break;
            }

            rest = rest[(nul + 1)..];
        }

        _ = mechanism.IsComplete;
    }

    private static byte[] Seed(byte mechanism, params string[] messages)
        => [mechanism, .. Encoding.UTF8.GetBytes(string.Join('\0', messages))];
}
