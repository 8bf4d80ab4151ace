namespace LibvirtRemote.Server.Config;

/// <summary>How clients of one listener must authenticate (libvirtd's <c>auth_*</c> values).</summary>
public enum ServerAuth
{
    /// <summary><c>none</c>: no authentication step.</summary>
    None,

    /// <summary><c>sasl</c>: a SASL exchange (AUTH_SASL_INIT/START/STEP).</summary>
    Sasl,

    /// <summary><c>polkit</c>: a local policy decision on the Unix peer (AUTH_POLKIT).</summary>
    Polkit,
}
