using System.Globalization;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>
/// libvirt's check of a typed-parameter list against the names and types a call accepts. libvirt walks both lists in
/// name order, so when several parameters are wrong the first one by name is the one reported, and a name it does not
/// know ends the walk even if a later one has the wrong type.
/// </summary>
internal static class TypedParamsValidator
{
    public static void Validate(TypedParam[] parameters, params (string Field, int Type)[] accepted)
    {
        TypedParam[] sorted = (TypedParam[])parameters.Clone();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Field, b.Field));
        (string Field, int Type)[] keys = (((string Field, int Type)[])accepted.Clone());
        Array.Sort(keys, static (a, b) => string.CompareOrdinal(a.Field, b.Field));

        int i = 0;
        int j = 0;
        string? previous = null;
        while (i < sorted.Length && j < keys.Length)
        {
            if (sorted[i].Field != keys[j].Field)
            {
                j++;
                continue;
            }

            if (sorted[i].Field == previous)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.None, $"invalid argument: parameter '{sorted[i].Field}' occurs multiple times");
            }

            if (sorted[i].Value.Type != keys[j].Type)
            {
                throw new LibvirtErrorException(ErrorCode.InvalidArg, ErrorDomain.None, $"invalid argument: invalid type '{TypeName(sorted[i].Value.Type)}' for parameter '{sorted[i].Field}', expected '{TypeName(keys[j].Type)}'");
            }

            previous = sorted[i].Field;
            i++;
        }

        if (i < sorted.Length)
        {
            throw new LibvirtErrorException(ErrorCode.ArgumentUnsupported, ErrorDomain.None, $"argument unsupported: parameter '{sorted[i].Field}' not supported");
        }
    }

    private static string TypeName(int type) => type switch
    {
        1 => "int",
        2 => "uint",
        3 => "llong",
        4 => "ullong",
        5 => "double",
        6 => "boolean",
        7 => "string",
        _ => "unknown",
    };
}
