using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// Rewords the XML parser's refusals that people meet most (a truncated document, mismatched tags, a second root, an
/// unquoted attribute) the way libxml2 words them, with the line and caret libvirt adds under the spot where libxml2
/// stopped reading. Other refusals keep .NET's wording.
/// </summary>
internal static partial class LibxmlParserError
{
    /// <summary>
    /// libvirt's "LABEL:LINE: MESSAGE\nCONTEXT\nCARET" for <paramref name="e"/>, or null when the refusal is not one
    /// this class knows how libxml2 words.
    /// </summary>
    public static string? Describe(string xml, XmlException e, string label)
    {
        if (e.Message.StartsWith("Unexpected end of file", StringComparison.Ordinal) && UnfinishedStartTag(xml) is (string tag, int tagLine, bool nameOnly))
        {
            // After complete attributes libxml2 first complains about them, and libvirt keeps the first complaint.
            string message = nameOnly ? $"Couldn't find end of Start Tag {tag} line {tagLine}" : "attributes construct error";
            return Layout(label, 1 + xml.Count('\n'), message, xml, xml.Length);
        }

        // .NET reports a document that is nothing but one start tag as bad data at its first character.
        bool loneStartTag = e.Message.StartsWith("Data at the root level is invalid. Line 1, position 1.", StringComparison.Ordinal)
            && xml.Length > 1 && xml[0] == '<' && char.IsLetter(xml[1]);
        if ((loneStartTag || e.Message.StartsWith("Unexpected end of file has occurred. The following elements are not closed:", StringComparison.Ordinal))
            && InnermostOpenElement(loneStartTag ? xml + " " : xml) is (string name, int line))
        {
            // libxml2 stops at the very end and counts every line it went through.
            return Layout(label, 1 + xml.Count('\n'), $"Premature end of data in tag {name} line {line}", xml, xml.Length);
        }

        int at = Offset(xml, e.LineNumber, e.LinePosition);
        if (at < 0)
        {
            return null;
        }

        if (Mismatch().Match(e.Message) is { Success: true } mismatch)
        {
            // libxml2 reads the whole end tag before it complains.
            int end = xml.IndexOf('>', at);
            return Layout(label, e.LineNumber, $"Opening and ending tag mismatch: {mismatch.Groups[1].Value} line {mismatch.Groups[2].Value} and {mismatch.Groups[3].Value}", xml, end < 0 ? xml.Length : end + 1);
        }

        if (e.Message.StartsWith("There are multiple root elements.", StringComparison.Ordinal) && at > 0)
        {
            return Layout(label, e.LineNumber, "Extra content at the end of the document", xml, at - 1);
        }

        // Text or a tag after the root element has closed.
        if (e.Message.StartsWith("Data at the root level is invalid.", StringComparison.Ordinal) && at > xml.Length - xml.TrimStart().Length)
        {
            return Layout(label, e.LineNumber, "Extra content at the end of the document", xml, at);
        }

        if (e.Message.Contains("is an unexpected token. The expected token is '>'.", StringComparison.Ordinal))
        {
            return Layout(label, e.LineNumber, "expected '>'", xml, at);
        }

        if (UnquotedValue().IsMatch(e.Message))
        {
            return Layout(label, e.LineNumber, "AttValue: \" or ' expected", xml, at);
        }

        return null;
    }

    /// <summary>The layout of libvirt's handler: the line holding the stop (the line before when it sits on a line end).</summary>
    private static string Layout(string label, int line, string message, string xml, int stop)
    {
        char At(int i) => i < xml.Length ? xml[i] : '\0';
        int start = stop;
        while (start > 0 && At(start) is '\n' or '\r')
        {
            start--;
        }

        while (start > 0 && At(start) is not ('\n' or '\r'))
        {
            start--;
        }

        if (At(start) is '\n' or '\r')
        {
            start++;
        }

        int end = start;
        while (At(end) is not ('\0' or '\n' or '\r'))
        {
            end++;
        }

        string context = xml[start..end];
        var caret = new StringBuilder();
        for (int n = 0; n < stop - start && n < context.Length; n++)
        {
            caret.Append(context[n] == '\t' ? '\t' : '-');
        }

        caret.Append('^');

        // libvirt prints an empty context line through a null pointer.
        return $"{label}:{line}: {message}\n{(context.Length == 0 ? "(null)" : context)}\n{caret}";
    }

    /// <summary>
    /// The name and line of a start tag the document ends inside, when it ends right after the name or after complete
    /// attributes.
    /// </summary>
    private static (string Name, int Line, bool NameOnly)? UnfinishedStartTag(string xml)
    {
        int open = xml.LastIndexOf('<');
        if (open < 0 || open + 1 >= xml.Length || !char.IsLetter(xml[open + 1]) || xml.IndexOf('>', open) >= 0)
        {
            return null;
        }

        int end = open + 1;
        while (end < xml.Length && !char.IsWhiteSpace(xml[end]) && xml[end] != '/')
        {
            end++;
        }

        int line = 1 + xml.AsSpan(0, open).Count('\n');
        string name = xml[(open + 1)..end];
        if (end == xml.Length)
        {
            return (name, line, true);
        }

        return CompleteAttributes().IsMatch(xml.AsSpan(end)) ? (name, line, false) : null;
    }

    private static (string Name, int Line)? InnermostOpenElement(string xml)
    {
        var open = new Stack<(string, int)>();
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            var info = (IXmlLineInfo)reader;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && !reader.IsEmptyElement)
                {
                    open.Push((reader.Name, info.LineNumber));
                }
                else if (reader.NodeType == XmlNodeType.EndElement && open.Count > 0)
                {
                    open.Pop();
                }
            }
        }
        catch (XmlException)
        {
        }

        return open.Count > 0 ? open.Peek() : null;
    }

    private static int Offset(string xml, int line, int position)
    {
        if (line < 1 || position < 1)
        {
            return -1;
        }

        int offset = 0;
        for (int l = 1; l < line; l++)
        {
            int next = xml.IndexOf('\n', offset);
            if (next < 0)
            {
                return -1;
            }

            offset = next + 1;
        }

        offset += position - 1;
        return offset <= xml.Length ? offset : -1;
    }

    [GeneratedRegex(@"^The '([^']*)' start tag on line (\d+) position \d+ does not match the end tag of '([^']*)'\.")]
    private static partial Regex Mismatch();

    [GeneratedRegex(@"^(\s+[\w:.-]+\s*=\s*('[^']*'|""[^""]*""))+\s*$")]
    private static partial Regex CompleteAttributes();

    [GeneratedRegex(@"is an unexpected token\. The expected token is '""' or '''\.")]
    private static partial Regex UnquotedValue();
}
