using System.Security.Cryptography;
using System.Text;
using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;

namespace LibvirtRemote.Fuzz.Targets;

/// <summary>
/// The server SASL mechanisms (SCRAM-SHA-256, SCRAM-SHA-1, DIGEST-MD5, PLAIN) fed client messages: the first input
/// byte picks the mechanism, the rest, split at NUL bytes, is the sequence of client messages (DIGEST-MD5 first gets
/// the empty start, as the server speaks first). A step must answer Continue, Success or Failure; only
/// <see cref="SaslException"/> may come out.
/// </summary>
public sealed class SaslServerTarget : IFuzzTarget
{
    private readonly SaslUserDatabase _users = CreateUsers();

    /// <inheritdoc/>
    public string Name => "sasl-server";

    /// <inheritdoc/>
    public bool MeasuresAllocation => true;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus) =>
    [
        Seed(0, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL", "c=biws,r=fyko+d2lbbFgONRv9qkxdawLxyz,p=dHpbWxyz"),
        Seed(1, "n,,n=user,r=abc", "c=biws,r=abcdef,p=AAAA"),
        Seed(0, "y,a=admin,n=us=2Cer,r=x"),
        Seed(2, "username=\"user\",realm=\"fuzz\",nonce=\"abc\",cnonce=\"def\",nc=00000001,qop=auth-conf,cipher=rc4,maxbuf=65536,digest-uri=\"libvirt/localhost\",response=0123456789abcdef0123456789abcdef,charset=utf-8"),
        Seed(2, "username=\"user\",nonce=\"abc\",qop=auth"),
        Seed(3, "\u0000user\u0000pencil".Replace("\u0000", "\u0001", StringComparison.Ordinal)),
        [3, .. "authz"u8, 1, .. "user"u8, 1, .. "wrong"u8],
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

        string name = SaslServerMechanisms.All[input[0] % SaslServerMechanisms.All.Count];
        ISaslServerMechanism mechanism = SaslServerMechanisms.Create(name, _users)
            ?? throw new FuzzInvariantException($"No server mechanism {name}");

        // PLAIN's message contains NULs itself: its seeds use 0x01 for them, turned back here.
        bool plain = name == "PLAIN";
        var messages = new List<byte[]?>();
        if (name == "DIGEST-MD5")
        {
            messages.Add(null);
        }

        ReadOnlySpan<byte> rest = input.AsSpan(1);
        while (true)
        {
            int nul = rest.IndexOf((byte)0);
            byte[] message = (nul < 0 ? rest : rest[..nul]).ToArray();
            if (plain)
            {
                message.AsSpan().Replace((byte)1, (byte)0);
            }

            messages.Add(message);
            if (nul < 0)
            {
                break;
            }

            rest = rest[(nul + 1)..];
        }

        foreach (byte[]? message in messages)
        {
            SaslServerStep step = mechanism.Step(message);
            if (step.Outcome == SaslStepOutcome.Success && mechanism.AuthenticatedUser is null)
            {
                throw new FuzzInvariantException($"{name} reported success without a user");
            }

            if (step.Outcome != SaslStepOutcome.Continue)
            {
                break;
            }
        }
    }

    private static SaslUserDatabase CreateUsers()
    {
        var users = new SaslUserDatabase("fuzz");
        users.AddUser("user", "pencil", iterations: 16);
        return users;
    }

    private static byte[] Seed(byte mechanism, params string[] messages)
        => [mechanism, .. Encoding.UTF8.GetBytes(string.Join('\0', messages))];
}

/// <summary>The server's SASL user database file parser (<see cref="SaslUserDatabase.Parse"/>), then formatting and parsing again.</summary>
public sealed class SaslDatabaseTarget : IFuzzTarget
{
    /// <inheritdoc/>
    public string Name => "sasldb";

    /// <inheritdoc/>
    public bool MeasuresAllocation => true;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus)
    {
        var db = new SaslUserDatabase("example");
        db.AddUser("alice", "secret", iterations: 16);
        db.AddUser("bob smith", "pw", iterations: 32, digestMd5: false);
        return [Encoding.UTF8.GetBytes(db.Format()), Encoding.UTF8.GetBytes(new SaslUserDatabase().Format())];
    }

    /// <inheritdoc/>
    public bool IsExpected(Exception exception) => exception is FormatException;

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        SaslUserDatabase db = SaslUserDatabase.Parse(Encoding.UTF8.GetString(input));
        string text = db.Format();
        SaslUserDatabase again = SaslUserDatabase.Parse(text);
        if (again.Format() != text)
        {
            throw new FuzzInvariantException("A parsed database does not survive Format and Parse unchanged");
        }

        _ = HashAlgorithmName.SHA256;
    }
}
