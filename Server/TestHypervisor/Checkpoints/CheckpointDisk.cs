namespace LibvirtRemote.Server.TestHypervisor.Checkpoints;

/// <summary>One disk entry of a checkpoint: libvirt's checkpoint type word ("no", "bitmap", or null for its unset default) and bitmap name.</summary>
internal sealed record CheckpointDisk(string Name, string? Type, string? Bitmap);
