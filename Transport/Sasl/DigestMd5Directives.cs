using System.Text;

namespace LibvirtRemote.Transport.Sasl;

/// <summary>
/// The <c>name=value, name="quoted value"</c> lists DIGEST-MD5 (RFC 2831 section 7.1) exchanges: parsing
/// keeps repeated names (several <c>realm</c>s) and order; formatting quotes and escapes values.
/// </summary>
internal static class DigestMd5Directives
{
    private const int MaxMessageLength = 4096;

    public static List<KeyValuePair<string, string>> Parse(string text, string mechanism)
    {
        if (text.Length > MaxMessageLength)
        {
            throw new SaslException($"{mechanism}: message longer than {MaxMessageLength} bytes");
        }

        var result = new List<KeyValuePair<string, string>>();
        int i = 0;
        while (true)
        {
            SkipSpaceAndCommas(text, ref i);
            if (i >= text.Length)
            {
                return result;
            }

            int nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            string name = text[nameStart..i];
            SkipSpace(text, ref i);
            if (name.Length == 0 || i >= text.Length || text[i] != '=')
            {
                throw new SaslException($"{mechanism}: malformed directive list near '{name}'");
            }

            i++;
            SkipSpace(text, ref i);
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new SaslException($"{mechanism}: unterminated quoted value of '{name}'");
                    }

                    char c = text[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\' && i < text.Length)
                    {
                        c = text[i++];
                    }

                    builder.Append(c);
                }

                value = builder.ToString();
            }
            else
            {
                int valueStart = i;
                while (i < text.Length && text[i] != ',' && !char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                value = text[valueStart..i];
            }

            result.Add(new KeyValuePair<string, string>(name, value));
            SkipSpace(text, ref i);
            if (i < text.Length && text[i] != ',')
            {
                throw new SaslException($"{mechanism}: expected ',' after '{name}'");
            }
        }
    }

    /// <summary>The single value of <paramref name="name"/>, null when absent; a repeated name is an error (RFC 2831 forbids it for all but realm).</summary>
    public static string? Single(List<KeyValuePair<string, string>> directives, string name, string mechanism)
    {
        string? found = null;
        foreach (KeyValuePair<string, string> pair in directives)
        {
            if (pair.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                if (found is not null)
                {
                    throw new SaslException($"{mechanism}: directive '{name}' appears more than once");
                }

                found = pair.Value;
            }
        }

        return found;
    }

    public static void AppendQuoted(StringBuilder builder, string name, string value)
    {
        if (builder.Length > 0)
        {
            builder.Append(',');
        }

        builder.Append(name).Append("=\"");
        foreach (char c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        builder.Append('"');
    }

    public static void AppendToken(StringBuilder builder, string name, string value)
    {
        if (builder.Length > 0)
        {
            builder.Append(',');
        }

        builder.Append(name).Append('=').Append(value);
    }

    private static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
    }

    private static void SkipSpaceAndCommas(string text, ref int i)
    {
        while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
        {
            i++;
        }
    }
}
