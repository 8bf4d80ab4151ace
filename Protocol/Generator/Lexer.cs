namespace LibvirtRemote.XdrGen;

/// <summary>Kinds of token in an XDR file.</summary>
public enum TokenKind
{
    /// <summary>Identifier or keyword.</summary>
    Identifier,

    /// <summary>Numeric literal (decimal, hex or octal, optionally negative).</summary>
    Number,

    /// <summary>One punctuation character.</summary>
    Symbol,

    /// <summary>An annotation comment <c>/*@ ... */</c>; its text is the content.</summary>
    Annotation,

    /// <summary>End of input.</summary>
    End,
}

/// <summary>A token with the line it starts on.</summary>
public readonly record struct Token(TokenKind Kind, string Text, int Line);

/// <summary>Splits XDR source into tokens, dropping comments (except annotations) and <c>%</c> pass-through lines.</summary>
public static class Lexer
{
    /// <summary>Tokenizes <paramref name="source"/>.</summary>
    public static List<Token> Tokenize(string source, string file)
    {
        var tokens = new List<Token>();
        int line = 1;
        int i = 0;
        bool lineStart = true;
        while (i < source.Length)
        {
            char c = source[i];
            if (c == '\n')
            {
                line++;
                i++;
                lineStart = true;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (lineStart && c == '%')
            {
                while (i < source.Length && source[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            lineStart = false;
            if (c == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                int end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new FormatException($"{file}:{line}: unterminated comment");
                }

                string body = source[(i + 2)..end];
                if (body.StartsWith('@'))
                {
                    tokens.Add(new Token(TokenKind.Annotation, body[1..].Trim(), line));
                }

                line += body.Count(ch => ch == '\n');
                i = end + 2;
                continue;
            }

            if (c == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                int start = i;
                while (i < source.Length && (char.IsLetterOrDigit(source[i]) || source[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, source[start..i], line));
                continue;
            }

            if (char.IsDigit(c) || (c == '-' && i + 1 < source.Length && char.IsDigit(source[i + 1])))
            {
                int start = i;
                i++;
                while (i < source.Length && (char.IsLetterOrDigit(source[i])))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, source[start..i], line));
                continue;
            }

            if ("{}[]<>()=;,:*".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), line));
                i++;
                continue;
            }

            throw new FormatException($"{file}:{line}: unexpected character '{c}'");
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, line));
        return tokens;
    }
}
