using LibvirtRemote.Protocol;

namespace LibvirtRemote.Transport.Framing;

/// <summary>Sizes that bound a frame on the wire.</summary>
public static class FrameLimits
{
    /// <summary>The length word in front of every message; it counts itself.</summary>
    public const int LengthWordSize = VirNetProtocol.VirNetMessageLenMax;

    /// <summary>The six header words: prog, vers, proc, type, serial, status.</summary>
    public const int HeaderSize = VirNetProtocol.VirNetMessageHeaderMax;

    /// <summary>The smallest valid frame: a length word and a header with an empty body.</summary>
    public const int MinFrameSize = LengthWordSize + HeaderSize;

    /// <summary>Largest header plus body; the length word is not counted.</summary>
    public const int MaxMessageSize = VirNetProtocol.VirNetMessageMax;

    /// <summary>Largest number of file descriptors one message may carry.</summary>
    public const int MaxFds = VirNetProtocol.VirNetMessageNumFdsMax;
}
