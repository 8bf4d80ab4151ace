namespace LibvirtRemote.Client.Auth;

/// <summary>libvirt's credential types (virConnectCredentialType), with libvirt's numbers.</summary>
public enum CredentialType
{
    /// <summary>VIR_CRED_USERNAME: the user's name.</summary>
    UserName = 1,

    /// <summary>VIR_CRED_AUTHNAME: the name to authorize as.</summary>
    AuthName = 2,

    /// <summary>VIR_CRED_LANGUAGE: an RFC 1766 language code.</summary>
    Language = 3,

    /// <summary>VIR_CRED_CNONCE: a client nonce.</summary>
    ClientNonce = 4,

    /// <summary>VIR_CRED_PASSPHRASE: a secret, not to be echoed.</summary>
    Passphrase = 5,

    /// <summary>VIR_CRED_ECHOPROMPT: an answer to a question, echoed as typed.</summary>
    EchoPrompt = 6,

    /// <summary>VIR_CRED_NOECHOPROMPT: an answer to a question, not echoed.</summary>
    NoEchoPrompt = 7,

    /// <summary>VIR_CRED_REALM: the authentication realm.</summary>
    Realm = 8,

    /// <summary>VIR_CRED_EXTERNAL: externally managed credential.</summary>
    External = 9,
}
