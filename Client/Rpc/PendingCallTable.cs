using System.Diagnostics.CodeAnalysis;

namespace LibvirtRemote.Client.Rpc;

/// <summary>
/// The calls of one connection that wait for their replies, by serial. A lock around a dictionary rather than a
/// <see cref="System.Collections.Concurrent.ConcurrentDictionary{TKey, TValue}"/>: that allocates a node for every
/// call it lists, where a dictionary reuses the slots of removed entries, so a steady stream of calls allocates
/// nothing here. Each operation holds the lock for a few instructions.
/// </summary>
internal sealed class PendingCallTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, PendingCall> _calls = [];

    public void Add(uint serial, PendingCall call)
    {
        lock (_lock)
        {
            _calls[serial] = call;
        }
    }

    public bool TryRemove(uint serial, [MaybeNullWhen(false)] out PendingCall call)
    {
        lock (_lock)
        {
            return _calls.Remove(serial, out call);
        }
    }

    /// <summary>Takes every call out of the table (when the connection fails).</summary>
    public PendingCall[] RemoveAll()
    {
        lock (_lock)
        {
            PendingCall[] all = [.. _calls.Values];
            _calls.Clear();
            return all;
        }
    }
}
