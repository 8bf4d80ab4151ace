using System.Xml.Linq;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.TestHypervisor.Objects;

/// <summary>The pool elements outside source and target that libvirt keeps: features/cow and refresh/volume.</summary>
internal static class PoolExtras
{
    /// <summary>The cow feature's state, refused for pools other than dir and fs as libvirt does.</summary>
    public static string? ParseCow(XElement root, string poolType)
    {
        if (TestXml.YesNo(root.Element("features")?.Element("cow"), "state") is not string state)
        {
            return null;
        }

        if (poolType is not ("dir" or "fs"))
        {
            throw new LibvirtErrorException(ErrorCode.NoSupport, ErrorDomain.Storage, "this function is not supported by the connection driver: cow feature may only be used for 'fs' and 'dir' pools");
        }

        return state;
    }

    /// <summary>The refresh element's volume allocation policy (default or capacity).</summary>
    public static string? ParseRefresh(XElement root)
    {
        string? allocation = (string?)root.Element("refresh")?.Element("volume")?.Attribute("allocation");
        if (string.IsNullOrEmpty(allocation))
        {
            return null;
        }

        if (allocation is not ("default" or "capacity"))
        {
            throw new LibvirtErrorException(ErrorCode.ConfigUnsupported, ErrorDomain.Storage, $"unsupported configuration: unknown storage pool volume refresh allocation type {allocation}");
        }

        return allocation;
    }
}
