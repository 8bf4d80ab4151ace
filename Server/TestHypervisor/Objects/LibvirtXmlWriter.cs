using System.Globalization;
using System.Text;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>
/// Writes XML the way libvirt's formatters do: two-space indentation, single-quoted attributes, one element per line.
/// XLinq's writer quotes and breaks lines differently, and clients compare these documents textually.
/// </summary>
internal sealed class LibvirtXmlWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    /// <summary>Writes <c>&lt;name attrs...&gt;</c> and indents what follows.</summary>
    public LibvirtXmlWriter Open(string name, params (string Name, string? Value)[] attributes)
    {
        StartLine(name, attributes);
        _text.Append(">\n");
        _indent += 2;
        return this;
    }

    /// <summary>Writes a closing tag one level out.</summary>
    public LibvirtXmlWriter Close(string name)
    {
        _indent -= 2;
        _text.Append(' ', _indent).Append("</").Append(name).Append(">\n");
        return this;
    }

    /// <summary>Writes an empty element <c>&lt;name attrs/&gt;</c>.</summary>
    public LibvirtXmlWriter Empty(string name, params (string Name, string? Value)[] attributes)
    {
        StartLine(name, attributes);
        _text.Append("/>\n");
        return this;
    }

    /// <summary>Writes <c>&lt;name&gt;text&lt;/name&gt;</c>.</summary>
    public LibvirtXmlWriter Text(string name, string text, params (string Name, string? Value)[] attributes)
    {
        StartLine(name, attributes);
        _text.Append('>');
        Escape(text);
        _text.Append("</").Append(name).Append(">\n");
        return this;
    }

    /// <summary>Writes a number element with libvirt's <c>unit='bytes'</c> attribute.</summary>
    public LibvirtXmlWriter Bytes(string name, ulong value)
        => Text(name, value.ToString(CultureInfo.InvariantCulture), ("unit", "bytes"));

    /// <summary>Appends text another formatter has already laid out, such as libxml2-style metadata.</summary>
    public LibvirtXmlWriter Raw(string text)
    {
        _text.Append(text);
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => _text.ToString();

    private void StartLine(string name, (string Name, string? Value)[] attributes)
    {
        _text.Append(' ', _indent).Append('<').Append(name);
        foreach ((string attribute, string? value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _text.Append(' ').Append(attribute).Append("='");
            Escape(value);
            _text.Append('\'');
        }
    }

    private void Escape(string value)
    {
        foreach (char c in value)
        {
            _ = c switch
            {
                '<' => _text.Append("&lt;"),
                '>' => _text.Append("&gt;"),
                '&' => _text.Append("&amp;"),
                '\'' => _text.Append("&apos;"),
                '"' => _text.Append("&quot;"),
                _ => _text.Append(c),
            };
        }
    }
}
