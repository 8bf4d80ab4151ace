using System.Globalization;

namespace LibvirtRemote.Transport.Config;

/// <summary>
/// Reads libvirt's configuration syntax into entries. Follows libvirt's virconf grammar: names start with an ASCII
/// letter and go on with letters, digits and '_'; statements end at a line end or ';'; strings never span lines
/// except the triple-quoted form; numbers are decimal with an optional sign; lists may span lines, hold any
/// values and may end with a comma.
/// </summary>
internal ref struct ConfParser
{
    private readonly ReadOnlySpan<char> _text;
    private readonly string _source;
    private readonly bool _commentsInLists;
    private int _pos;
    private int _line;
    private string? _key;

    public ConfParser(ReadOnlySpan<char> text, string source, bool commentsInLists)
    {
        _text = text;
        _source = source;
        _commentsInLists = commentsInLists;
        _line = 1;
    }

    private readonly char Cur => _pos < _text.Length ? _text[_pos] : '\0';

    public List<ConfEntry> ParseAll()
    {
        var entries = new List<ConfEntry>();
        while (true)
        {
            SkipBlanksAndEol();
            if (_pos >= _text.Length)
            {
                return entries;
            }

            if (Cur == '#')
            {
                SkipToEol();
            }
            else
            {
                entries.Add(ParseStatement());
            }

            ParseSeparator();
        }
    }

    private ConfEntry ParseStatement()
    {
        int line = _line;
        int start = _pos;
        if (!char.IsAsciiLetter(Cur))
        {
            throw Error("expecting a name");
        }

        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(Cur) || Cur == '_'))
        {
            _pos++;
        }

        _key = _text[start.._pos].ToString();
        SkipBlanks();
        if (Cur != '=')
        {
            throw Error("expecting an assignment");
        }

        _pos++;
        SkipBlanks();
        ConfValue value = ParseValue();
        SkipBlanks();
        if (Cur == '#')
        {
            SkipToEol();
        }

        var entry = new ConfEntry(_key, value, line);
        _key = null;
        return entry;
    }

    private void ParseSeparator()
    {
        SkipBlanks();
        if (_pos >= _text.Length)
        {
            return;
        }

        if (Cur is '\n' or '\r')
        {
            SkipBlanksAndEol();
        }
        else if (Cur == ';')
        {
            _pos++;
            SkipBlanksAndEol();
        }
        else
        {
            throw Error("expecting a separator");
        }
    }

    private ConfValue ParseValue()
    {
        int line = _line;
        if (_pos >= _text.Length)
        {
            throw Error("expecting a value");
        }

        char c = Cur;
        if (c is '"' or '\'')
        {
            return ConfValue.FromString(ParseString(), line);
        }

        if (c == '[')
        {
            _pos++;
            var items = new List<ConfValue>();
            SkipInList();
            if (_pos < _text.Length && Cur != ']')
            {
                items.Add(ParseValue());
                SkipInList();
            }

            while (_pos < _text.Length && Cur != ']')
            {
                if (Cur != ',')
                {
                    throw Error("expecting a separator in list");
                }

                _pos++;
                SkipInList();
                if (Cur == ']')
                {
                    break;
                }

                items.Add(ParseValue());
                SkipInList();
            }

            if (Cur != ']')
            {
                throw Error("list is not closed with ]");
            }

            _pos++;
            return ConfValue.FromList(items, line);
        }

        if (char.IsAsciiDigit(c) || c is '-' or '+')
        {
            bool negative = c == '-';
            if (c is '-' or '+')
            {
                _pos++;
            }

            int start = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(Cur))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw Error("unterminated number");
            }

            if (!long.TryParse(_text[start.._pos], NumberStyles.None, CultureInfo.InvariantCulture, out long magnitude))
            {
                throw Error("numeric overflow in conf value");
            }

            return ConfValue.FromInteger(negative ? -magnitude : magnitude, negative, line);
        }

        throw Error("expecting a value");
    }

    private string ParseString()
    {
        if (_text[_pos..].StartsWith("\"\"\"", StringComparison.Ordinal))
        {
            _pos += 3;
            int end = _text[_pos..].IndexOf("\"\"\"", StringComparison.Ordinal);
            if (end < 0)
            {
                throw Error("unterminated string");
            }

            ReadOnlySpan<char> body = _text.Slice(_pos, end);
            _line += body.Count('\n');
            _pos += end + 3;
            return body.ToString();
        }

        char quote = _text[_pos++];
        int start = _pos;
        while (_pos < _text.Length && Cur != quote && Cur is not ('\n' or '\r'))
        {
            _pos++;
        }

        if (Cur != quote)
        {
            throw Error("unterminated string");
        }

        string value = _text[start.._pos].ToString();
        _pos++;
        return value;
    }

    private void SkipInList()
    {
        SkipBlanksAndEol();
        while (_commentsInLists && Cur == '#')
        {
            SkipToEol();
            SkipBlanksAndEol();
        }
    }

    private void SkipBlanks()
    {
        while (_pos < _text.Length && Cur is ' ' or '\t')
        {
            _pos++;
        }
    }

    private void SkipBlanksAndEol()
    {
        while (_pos < _text.Length && Cur is ' ' or '\t' or '\n' or '\r')
        {
            if (Cur == '\n')
            {
                _line++;
            }

            _pos++;
        }
    }

    private void SkipToEol()
    {
        while (_pos < _text.Length && Cur is not ('\n' or '\r'))
        {
            _pos++;
        }
    }

    private readonly ConfFileException Error(string problem) => new(_source, _line, _key, problem);
}
