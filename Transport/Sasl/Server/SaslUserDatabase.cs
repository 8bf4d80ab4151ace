using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LibvirtRemote.Transport.Sasl.Server;

/// <summary>
/// The users the server SASL mechanisms accept, with salted and hashed secrets only (see README.md in this folder
/// for the file format). Thread-safe: lookups may run while users are added or removed.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "DIGEST-MD5 needs MD5(user:realm:password); its weakness is documented on SaslUser.DigestHash.")]
public sealed class SaslUserDatabase
{
    /// <summary>The iteration count new SCRAM credentials get (RFC 7677 asks for at least 4096).</summary>
    public const int DefaultIterations = 4096;

    private const string Header = "# LibvirtRemote SASL user database, version 1";
    private readonly Dictionary<string, SaslUser> _users = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Creates an empty database whose DIGEST-MD5 realm is <paramref name="realm"/> (by default the host name, as Cyrus SASL uses).</summary>
    public SaslUserDatabase(string? realm = null)
    {
        Realm = realm ?? System.Net.Dns.GetHostName();
    }

    /// <summary>The realm DIGEST-MD5 offers and new users' DIGEST-MD5 secrets are computed for.</summary>
    public string Realm { get; }

    /// <summary>A snapshot of the users.</summary>
    public IReadOnlyList<SaslUser> Users
    {
        get
        {
            lock (_lock)
            {
                return [.. _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="name"/> or replaces its secrets: SCRAM-SHA-256 and SCRAM-SHA-1 data with fresh random salts,
    /// and (when <paramref name="digestMd5"/>) MD5(user:realm:password) for DIGEST-MD5. The password is not kept.
    /// </summary>
    public SaslUser AddUser(string name, string password, int iterations = DefaultIterations, bool digestMd5 = true)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var user = new SaslUser(
            name,
            ScramCredential.FromPassword(HashAlgorithmName.SHA256, password, RandomNumberGenerator.GetBytes(16), iterations),
            ScramCredential.FromPassword(HashAlgorithmName.SHA1, password, RandomNumberGenerator.GetBytes(16), iterations),
            digestMd5 ? Realm : null,
            digestMd5 ? DigestMd5.UserHash(name, Realm, password, utf8: true) : null);
        SetUser(user);
        return user;
    }

    /// <summary>Adds or replaces a user with precomputed secrets.</summary>
    public void SetUser(SaslUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ValidateName(user.Name);
        lock (_lock)
        {
            _users[user.Name] = user;
        }
    }

    /// <summary>Removes a user; false when there was none.</summary>
    public bool RemoveUser(string name)
    {
        lock (_lock)
        {
            return _users.Remove(name);
        }
    }

    /// <summary>Looks a user up by exact (case-sensitive) name.</summary>
    public SaslUser? Find(string name)
    {
        lock (_lock)
        {
            return _users.GetValueOrDefault(name);
        }
    }

    /// <summary>Reads a database file.</summary>
    /// <exception cref="FormatException">The file is not in the expected format.</exception>
    public static async Task<SaslUserDatabase> LoadAsync(string path, CancellationToken cancellationToken = default)
        => Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));

    /// <summary>Writes the database to <paramref name="path"/> atomically (a private temporary file renamed over it), readable by its owner only.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(Format());
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The file text of the database.</summary>
    public string Format()
    {
        var builder = new StringBuilder();
        builder.Append(Header).Append('\n');
        builder.Append("realm ").Append(Uri.EscapeDataString(Realm)).Append('\n');
        foreach (SaslUser user in Users)
        {
            builder.Append(Uri.EscapeDataString(user.Name));
            AppendScram(builder, "scram-sha-256", user.ScramSha256);
            AppendScram(builder, "scram-sha-1", user.ScramSha1);
            if (user.DigestHash is not null && user.DigestRealm is not null)
            {
                builder.Append(" digest-md5=").Append(Uri.EscapeDataString(user.DigestRealm)).Append(':').Append(Convert.ToHexStringLower(user.DigestHash));
            }

            builder.Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Parses database file text.</summary>
    /// <exception cref="FormatException">The text is not in the expected format.</exception>
    public static SaslUserDatabase Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string? realm = null;
        var users = new List<SaslUser>();
        int lineNumber = 0;
        foreach (string rawLine in text.Split('\n'))
        {
            lineNumber++;
            string line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                // A line of spaces only (found by the fuzzer: it used to index past the empty field list).
                continue;
            }

            try
            {
                if (fields[0] == "realm")
                {
                    realm = fields.Length == 2 ? Uri.UnescapeDataString(fields[1]) : throw new FormatException("realm takes one value");
                    continue;
                }

                // Checked here, not only when the user is stored below, so a bad name is reported as a format
                // error with its line like every other problem in the file.
                SaslUser user = ParseUser(fields);
                ValidateName(user.Name);
                users.Add(user);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new FormatException($"SASL user database line {lineNumber}: {e.Message}", e);
            }
        }

        var database = new SaslUserDatabase(realm);
        foreach (SaslUser user in users)
        {
            database.SetUser(user);
        }

        return database;
    }

    private static SaslUser ParseUser(string[] fields)
    {
        string name = Uri.UnescapeDataString(fields[0]);
        ScramCredential? sha256 = null, sha1 = null;
        string? digestRealm = null;
        byte[]? digestHash = null;
        foreach (string field in fields.AsSpan(1))
        {
            int equals = field.IndexOf('=', StringComparison.Ordinal);
            string key = equals > 0 ? field[..equals] : throw new FormatException($"expected key=value, got '{field}'");
            string value = field[(equals + 1)..];
            switch (key)
            {
                case "scram-sha-256":
                    sha256 = ParseScram(HashAlgorithmName.SHA256, value);
                    break;
                case "scram-sha-1":
                    sha1 = ParseScram(HashAlgorithmName.SHA1, value);
                    break;
                case "digest-md5":
                    int colon = value.LastIndexOf(':');
                    digestRealm = colon >= 0 ? Uri.UnescapeDataString(value[..colon]) : throw new FormatException("digest-md5 needs realm:hash");
                    digestHash = Convert.FromHexString(value[(colon + 1)..]);
                    if (digestHash.Length != 16)
                    {
                        throw new FormatException("digest-md5 hash must be 16 bytes");
                    }

                    break;
                default:
                    throw new FormatException($"unknown secret '{key}'");
            }
        }

        return new SaslUser(name, sha256, sha1, digestRealm, digestHash);
    }

    private static ScramCredential ParseScram(HashAlgorithmName hash, string value)
    {
        string[] parts = value.Split(':');
        if (parts.Length != 4 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < 1)
        {
            throw new FormatException($"{hash.Name} secret must be iterations:salt:storedkey:serverkey");
        }

        var credential = new ScramCredential(hash, Convert.FromBase64String(parts[1]), iterations, Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3]));
        int length = ScramCredential.HashLength(hash);
        if (credential.StoredKey.Length != length || credential.ServerKey.Length != length)
        {
            throw new FormatException($"{hash.Name} keys must be {length} bytes");
        }

        return credential;
    }

    private static void AppendScram(StringBuilder builder, string key, ScramCredential? credential)
    {
        if (credential is null)
        {
            return;
        }

        builder.Append(' ').Append(key).Append('=')
            .Append(credential.Iterations.ToString(CultureInfo.InvariantCulture)).Append(':')
            .Append(Convert.ToBase64String(credential.Salt)).Append(':')
            .Append(Convert.ToBase64String(credential.StoredKey)).Append(':')
            .Append(Convert.ToBase64String(credential.ServerKey));
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("User names cannot contain NUL", nameof(name));
        }
    }
}
