using System.Collections;
using System.Reflection;

namespace LibvirtRemote.Fuzz;

/// <summary>
/// Structure-aware edits of a decoded message: picks one field somewhere in the value (through nested structs,
/// unions, arrays and optionals) and gives it an edge value. The generated types have public fields, so plain
/// field reflection reaches all of them; this is test tooling, the codec itself uses none.
/// </summary>
public static class StructureEditor
{
    private static readonly string[] Strings =
    [
        string.Empty, "a", "test", "\u00e9\u4e2d\U0001F600", "with\0nul", new string('x', 300), "../../etc/passwd", "%s%n", "a,b=c",
    ];

    private static readonly long[] Numbers = [0, 1, -1, 2, 7, 8, 255, 256, 1024, 65536, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue];

    /// <summary>Returns <paramref name="value"/> (a boxed generated type) with one field changed.</summary>
    public static object Edit(object value, Random random) => EditValue(value, value.GetType(), random, 0) ?? value;

    private static object? EditValue(object? value, Type type, Random random, int depth)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            // Optional value: drop it, or fill/edit it.
            if (value is not null && random.Next(3) == 0)
            {
                return null;
            }

            return EditValue(value ?? Activator.CreateInstance(underlying), underlying, random, depth + 1);
        }

        if (type == typeof(string))
        {
            return random.Next(4) == 0 && value is string s && s.Length > 0 ? s + s : Strings[random.Next(Strings.Length)];
        }

        if (type == typeof(byte[]))
        {
            byte[] bytes = new byte[random.Next(3) == 0 ? 0 : random.Next(1, 80)];
            random.NextBytes(bytes);
            return bytes;
        }

        if (type.IsEnum)
        {
            return Enum.ToObject(type, random.Next(-2, 24));
        }

        if (type.IsPrimitive)
        {
            return EditNumber(type, random);
        }

        if (type.IsArray)
        {
            return EditArray((Array?)value, type.GetElementType()!, random, depth);
        }

        if (depth > 12)
        {
            return value;
        }

        FieldInfo[] fields = type.GetFields(BindingFlags.Public | BindingFlags.Instance);
        if (fields.Length == 0)
        {
            return value;
        }

        object box = value ?? Activator.CreateInstance(type)!;
        FieldInfo field = fields[random.Next(fields.Length)];
        field.SetValue(box, EditValue(field.GetValue(box), field.FieldType, random, depth + 1));
        return box;
    }

    private static Array EditArray(Array? array, Type element, Random random, int depth)
    {
        var items = new ArrayList(array ?? Array.CreateInstance(element, 0));
        switch (random.Next(5))
        {
            case 0:
                items.Clear();
                break;
            case 1 when items.Count > 0:
                items.Add(items[random.Next(items.Count)]);
                break;
            case 2 when items.Count > 0:
                items.RemoveAt(random.Next(items.Count));
                break;
            case 3:
                items.Add(EditValue(element.IsValueType ? Activator.CreateInstance(element) : element == typeof(string) ? string.Empty : null, element, random, depth + 1));
                break;
            default:
                if (items.Count > 0)
                {
                    int i = random.Next(items.Count);
                    items[i] = EditValue(items[i], element, random, depth + 1);
                }

                break;
        }

        Array result = Array.CreateInstance(element, items.Count);
        items.CopyTo(result);
        return result;
    }

    private static object EditNumber(Type type, Random random)
    {
        long n = random.Next(3) == 0 ? random.Next(-1000, 1000) : Numbers[random.Next(Numbers.Length)];
        return type == typeof(bool) ? random.Next(2) == 0
            : type == typeof(double) ? (object)(random.Next(3) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => (double)n })
            : type == typeof(float) ? (float)n
            : Convert.ChangeType(unchecked(type == typeof(ulong) ? (object)(ulong)n : type == typeof(uint) ? (uint)n : type == typeof(int) ? (int)n
                : type == typeof(short) ? (short)n : type == typeof(ushort) ? (ushort)n : type == typeof(byte) ? (byte)n : type == typeof(sbyte) ? (sbyte)n : n), type, System.Globalization.CultureInfo.InvariantCulture);
    }
}
