namespace LibvirtRemote.Server.Admin;

/// <summary>
/// One of the two servers libvirtd reports to its admin clients ("libvirtd" for the hypervisor sockets, "admin" for
/// the admin socket): its client limits, which the accept loops enforce, and its worker-pool numbers. Our server has
/// no per-server worker pool (calls complete on the reading thread or the .NET pool), so the pool numbers are the
/// configured ones, validated and kept as libvirt does.
/// </summary>
public sealed class DaemonServer
{
    private readonly Lock _gate = new();

    internal DaemonServer(string name, bool admin, uint maxClients, uint maxUnauthClients, uint minWorkers, uint maxWorkers, uint prioWorkers)
    {
        Name = name;
        IsAdmin = admin;
        MaxClients = maxClients;
        MaxUnauthClients = maxUnauthClients;
        MinWorkers = minWorkers;
        MaxWorkers = maxWorkers;
        PrioWorkers = prioWorkers;
        Workers = minWorkers;
    }

    /// <summary>The name admin clients use.</summary>
    public string Name { get; }

    /// <summary>Whether this server owns the admin socket's clients.</summary>
    public bool IsAdmin { get; }

    /// <summary><c>nclients_max</c>.</summary>
    public uint MaxClients { get; private set; }

    /// <summary><c>nclients_unauth_max</c>.</summary>
    public uint MaxUnauthClients { get; private set; }

    /// <summary>Configured minimum of workers.</summary>
    public uint MinWorkers { get; private set; }

    /// <summary>Configured maximum of workers.</summary>
    public uint MaxWorkers { get; private set; }

    /// <summary>Configured priority workers.</summary>
    public uint PrioWorkers { get; private set; }

    /// <summary>Workers the pool would hold: never fewer than the largest minimum asked for (libvirt never shrinks).</summary>
    public uint Workers { get; private set; }

    internal (uint Min, uint Max, uint Workers, uint Prio) Pool
    {
        get
        {
            lock (_gate)
            {
                return (MinWorkers, MaxWorkers, Workers, PrioWorkers);
            }
        }
    }

    internal (uint Max, uint MaxUnauth) Limits
    {
        get
        {
            lock (_gate)
            {
                return (MaxClients, MaxUnauthClients);
            }
        }
    }

    /// <summary>Changes the pool numbers; a negative value keeps the current one. libvirt's rules and messages.</summary>
    internal void SetPool(long min, long max, long prio)
    {
        lock (_gate)
        {
            long newMax = max >= 0 ? max : MaxWorkers;
            long newMin = min >= 0 ? min : MinWorkers;
            if (newMin > newMax)
            {
                throw LibvirtErrorException.InvalidArgument(Protocol.ErrorDomain.None, "minWorkers cannot be larger than maxWorkers");
            }

            if ((max == 0 && MaxWorkers > 0) || (max > 0 && MaxWorkers == 0))
            {
                throw LibvirtErrorException.InvalidArgument(Protocol.ErrorDomain.None, "maxWorkers must not be switched from zero to non-zero and vice versa");
            }

            if (min >= 0)
            {
                MinWorkers = (uint)min;
                Workers = Math.Max(Workers, MinWorkers);
            }

            if (max >= 0)
            {
                MaxWorkers = (uint)max;
            }

            if (prio >= 0)
            {
                PrioWorkers = (uint)prio;
            }
        }
    }

    /// <summary>Changes the client limits; a negative value keeps the current one.</summary>
    internal void SetLimits(long max, long maxUnauth)
    {
        lock (_gate)
        {
            long newMax = max >= 0 ? max : MaxClients;
            long newUnauth = maxUnauth >= 0 ? maxUnauth : MaxUnauthClients;
            if (newMax < newUnauth)
            {
                throw LibvirtErrorException.InvalidArgument(Protocol.ErrorDomain.Rpc, "The overall maximum number of clients waiting for authentication must not be less than the overall maximum number of clients");
            }

            MaxClients = (uint)newMax;
            MaxUnauthClients = (uint)newUnauth;
        }
    }
}
