namespace LibvirtRemote.Server.Tls;

/// <summary>fnmatch(3) without flags: <c>*</c>, <c>?</c>, bracket expressions (with <c>!</c> or <c>^</c>) and backslash escapes.</summary>
public static class Glob
{
    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/> as a whole.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);
        return Match(pattern, 0, text, 0);
    }

    private static bool Match(string p, int pi, string t, int ti)
    {
        while (pi < p.Length)
        {
            char c = p[pi];
            if (c == '*')
            {
                while (pi < p.Length && p[pi] == '*')
                {
                    pi++;
                }

                if (pi == p.Length)
                {
                    return true;
                }

                for (int k = ti; k <= t.Length; k++)
                {
                    if (Match(p, pi, t, k))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (ti >= t.Length)
            {
                return false;
            }

            if (c == '?')
            {
                pi++;
                ti++;
                continue;
            }

            if (c == '[' && TryBracket(p, pi, t[ti], out int next, out bool matched))
            {
                if (!matched)
                {
                    return false;
                }

                pi = next;
                ti++;
                continue;
            }

            if (c == '\\' && pi + 1 < p.Length)
            {
                pi++;
                c = p[pi];
            }

            if (c != t[ti])
            {
                return false;
            }

            pi++;
            ti++;
        }

        return ti == t.Length;
    }

    private static bool TryBracket(string p, int start, char ch, out int next, out bool matched)
    {
        int i = start + 1;
        bool negate = i < p.Length && (p[i] == '!' || p[i] == '^');
        if (negate)
        {
            i++;
        }

        bool found = false;
        bool first = true;
        while (i < p.Length && (first || p[i] != ']'))
        {
            first = false;
            char low = p[i];
            if (i + 2 < p.Length && p[i + 1] == '-' && p[i + 2] != ']')
            {
                found |= ch >= low && ch <= p[i + 2];
                i += 3;
            }
            else
            {
                found |= ch == low;
                i++;
            }
        }

        if (i >= p.Length)
        {
            // No closing bracket: the '[' is an ordinary character.
            next = start;
            matched = false;
            return false;
        }

        next = i + 1;
        matched = found != negate;
        return true;
    }
}
