namespace LibvirtRemote.Client.Auth;

/// <summary>What a credential callback is asked for: a user name and password to log in to a host with SASL.</summary>
/// <param name="Uri">The URI being opened.</param>
/// <param name="Mechanism">The SASL mechanism chosen, e.g. <c>SCRAM-SHA-256</c>.</param>
/// <param name="DefaultUserName">The user from the URI, if any.</param>
public sealed record SaslCredentialRequest(LibvirtUri Uri, string Mechanism, string? DefaultUserName);
