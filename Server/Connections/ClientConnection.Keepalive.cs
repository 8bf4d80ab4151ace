using LibvirtRemote.Protocol;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Connections;

/// <summary>Keepalive (PING/PONG, and server pings once the client asked for them) and the authentication deadline.</summary>
internal sealed partial class ClientConnection
{
    private const int KeepalivePing = 1;
    private const int KeepalivePong = 2;

    private long _lastActivity = Environment.TickCount64;
    private int _unansweredPings;
    private long _lastPing;
    private volatile bool _sawFrame;
    private Timer? _keepaliveTimer;
    private Timer? _authTimer;

    private void NoteActivity()
    {
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        Volatile.Write(ref _unansweredPings, 0);
        _sawFrame = true;
        if (_authTimer is { } timer && Context.Authenticated)
        {
            // The deadline is met (authenticated, and a frame seen): an idle client need not keep a timer.
            _authTimer = null;
            timer.Dispose();
        }
    }

    private bool HandleKeepalive(in VirNetMessageHeader header)
    {
        if (header.Type != VirNetMessageType.Message || header.Vers != (uint)KeepaliveProtocol.KeepaliveProtocolVersion)
        {
            return true;
        }

        if (header.Proc == KeepalivePing)
        {
            SendKeepalive(KeepalivePong);
        }

        return true;
    }

    private void SendKeepalive(int procedure)
    {
        var header = new VirNetMessageHeader
        {
            Prog = (uint)KeepaliveProtocol.KeepaliveProgram,
            Vers = (uint)KeepaliveProtocol.KeepaliveProtocolVersion,
            Proc = procedure,
            Type = VirNetMessageType.Message,
            Serial = 0,
            Status = VirNetMessageStatus.Ok,
        };
        Outbox.TrySend(header, default(XdrVoid));
    }

    private void StartKeepalive()
    {
        TimeSpan interval = Options.KeepaliveInterval;
        if (interval <= TimeSpan.Zero || _keepaliveTimer is not null)
        {
            return;
        }

        // One-shot, set again on every tick: like libvirt, the next check comes when the client will have been quiet
        // for a whole interval, so a client that answers each ping at once is pinged about once per interval.
        _keepaliveTimer = new Timer(static state => ((ClientConnection)state!).OnKeepaliveTick(), this, interval, Timeout.InfiniteTimeSpan);
    }

    private void OnKeepaliveTick()
    {
        long now = Environment.TickCount64;
        double interval = Options.KeepaliveInterval.TotalMilliseconds;
        long idle = now - Volatile.Read(ref _lastActivity);
        if (idle < interval)
        {
            ScheduleKeepalive(interval - idle);
            return;
        }

        // Timer callbacks delayed by a busy thread pool can run back to back; each ping must get a whole interval
        // to be answered, or a loaded server would drop a healthy client after a fraction of the promised time.
        long sincePing = now - Volatile.Read(ref _lastPing);
        if (Volatile.Read(ref _unansweredPings) > 0 && sincePing < interval * 0.9)
        {
            ScheduleKeepalive(interval - sincePing);
            return;
        }

        Volatile.Write(ref _lastPing, now);

        if (Interlocked.Increment(ref _unansweredPings) > Options.KeepaliveCount)
        {
            Server.Log(LogLevelName.Warning, $"client {Context.Id}: no answer to {Options.KeepaliveCount} keepalive pings, dropping it");
            Abort();
            return;
        }

        SendKeepalive(KeepalivePing);
        ScheduleKeepalive(interval);
    }

    private void ScheduleKeepalive(double milliseconds)
    {
        try
        {
            _keepaliveTimer?.Change(TimeSpan.FromMilliseconds(Math.Max(1, milliseconds)), Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    private void StopKeepalive()
    {
        _keepaliveTimer?.Dispose();
        Interlocked.Exchange(ref _authTimer, null)?.Dispose();
    }

    private void StartAuthenticationTimer()
    {
        TimeSpan timeout = Options.AuthenticationTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        _authTimer = new Timer(
            static state =>
            {
                var connection = (ClientConnection)state!;
                if (!connection.Context.Authenticated || !connection._sawFrame)
                {
                    connection.Server.Log(LogLevelName.Warning, $"client {connection.Context.Id}: did not authenticate in time, dropping it");
                    connection.Abort();
                }
            },
            this,
            timeout,
            Timeout.InfiniteTimeSpan);
    }
}
