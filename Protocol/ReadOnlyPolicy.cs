namespace LibvirtRemote.Protocol;

/// <summary>When libvirt refuses a procedure on a read-only connection.</summary>
public enum ReadOnlyRule
{
    /// <summary>Never: the call is allowed on read-only connections.</summary>
    Allow,

    /// <summary>Always.</summary>
    Deny,

    /// <summary>When the call's <see cref="ReadOnlyPolicy.Argument"/> (its flags) shares a bit with <see cref="ReadOnlyPolicy.Value"/>.</summary>
    DenyWhenFlagsSet,

    /// <summary>When the call's <see cref="ReadOnlyPolicy.Argument"/> equals <see cref="ReadOnlyPolicy.Value"/>.</summary>
    DenyWhenArgumentEquals,
}

/// <summary>
/// libvirt's read-only rule for one procedure, taken from the check in the public API function the daemon runs for it.
/// A refusal is error code 29 (VIR_ERR_OPERATION_DENIED) in the procedure's error domain with <see cref="Message"/>.
/// </summary>
/// <param name="Rule">When the call is refused.</param>
/// <param name="Argument">The argument field the rule looks at (<c>flags</c>, or e.g. <c>source</c>); null for <see cref="ReadOnlyRule.Allow"/> and <see cref="ReadOnlyRule.Deny"/>.</param>
/// <param name="Value">The flag mask or the argument value.</param>
/// <param name="Detail">The refusal's text after libvirt's "operation forbidden: " prefix; empty when allowed.</param>
public sealed record ReadOnlyPolicy(ReadOnlyRule Rule, string? Argument, ulong Value, string Detail)
{
    /// <summary>libvirt's <c>VIR_ERR_OPERATION_DENIED</c>.</summary>
    public const int ErrorCode = 29;

    /// <summary>The policy of procedures read-only connections may call.</summary>
    public static ReadOnlyPolicy Allowed { get; } = new(ReadOnlyRule.Allow, null, 0, string.Empty);

    /// <summary>The whole error message a refusal carries, as libvirt formats it.</summary>
    public string Message => "operation forbidden: " + Detail;

    /// <summary>Whether a call is refused, given the value of <see cref="Argument"/> in its arguments (ignored for the unconditional rules).</summary>
    public bool Denies(ulong argumentValue) => Rule switch
    {
        ReadOnlyRule.Deny => true,
        ReadOnlyRule.DenyWhenFlagsSet => (argumentValue & Value) != 0,
        ReadOnlyRule.DenyWhenArgumentEquals => argumentValue == Value,
        _ => false,
    };
}
