namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>A host device the test hypervisor reports; fixed at start, read-only.</summary>
/// <param name="Name">Device name.</param>
/// <param name="Parent">Parent device name, or null for the root.</param>
/// <param name="Caps">The capability names <c>virNodeDeviceListCaps</c> returns.</param>
/// <param name="FilterCaps">Every capability the device matches in list filters (includes nested ones such as fc_host).</param>
/// <param name="Xml">The device's XML exactly as libvirt formats it.</param>
internal sealed record TestNodeDevice(string Name, string? Parent, string[] Caps, string[] FilterCaps, string Xml);
