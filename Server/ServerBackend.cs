namespace LibvirtRemote.Server;

/// <summary>
/// What the server serves: the backend creates the handler objects of each client when it connects. Handlers
/// created per client may keep that client's state; shared state belongs in the backend.
/// </summary>
public abstract class ServerBackend
{
    /// <summary>Creates the remote-program handlers of a newly connected client.</summary>
    public abstract RemoteHandlers CreateRemoteHandlers(ClientContext client);

    /// <summary>Creates the qemu-program handlers of a client, or null when the backend has no qemu program.</summary>
    public virtual QemuHandlers? CreateQemuHandlers(ClientContext client) => null;

    /// <summary>Creates the lxc-program handlers of a client, or null when the backend has no lxc program.</summary>
    public virtual LxcHandlers? CreateLxcHandlers(ClientContext client) => null;

    /// <summary>
    /// False when the hypervisor has no secret driver (libvirt's test driver has none): secret event registration is
    /// then not supported, as libvirtd answers it.
    /// </summary>
    public virtual bool HasSecretDriver => true;

    /// <summary>
    /// False when the hypervisor cannot deliver QEMU monitor events (libvirt's test driver cannot): registering for
    /// them is then not supported, as libvirtd answers it.
    /// </summary>
    public virtual bool HasQemuMonitorEvents => true;

    /// <summary>
    /// Called when a client's hypervisor connection ends before the client goes: at CONNECT_CLOSE, or when a second
    /// open drops the first. <see cref="OnClientClosed"/> follows later in any case.
    /// </summary>
    public virtual void OnHypervisorClosed(ClientContext client)
    {
    }

    /// <summary>Called once a client has gone, after its last call completed or was abandoned.</summary>
    public virtual void OnClientClosed(ClientContext client)
    {
    }
}
