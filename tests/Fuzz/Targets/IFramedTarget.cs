namespace LibvirtRemote.Fuzz.Targets;

/// <summary>Marks targets whose inputs start with a libvirt length word (the mutator sometimes repairs it after an edit so the body gets parsed).</summary>
public interface IFramedTarget
{
}
