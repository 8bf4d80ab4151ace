using System.Net;
using LibvirtRemote.Protocol;

namespace LibvirtRemote.Server.Admin;

/// <summary>
/// A client's identity as libvirtd's admin program lists it: read-only flag, SASL user, then either the peer address
/// and certificate subject (TCP, TLS) or the peer credentials with user and group names (Unix).
/// </summary>
internal static class ClientInfo
{
    public static AdminTypedParam[] Describe(ClientContext client)
    {
        var list = new List<AdminTypedParam> { Param("readonly", 6, b: client.ReadOnly ? 1 : 0) };
        if (client.SaslUserName is { } sasl)
        {
            list.Add(Param("sasl_user_name", 7, s: sasl));
        }

        if (client.Transport is ServerTransport.Tcp or ServerTransport.Tls)
        {
            if (client.RemoteEndPoint is IPEndPoint ip)
            {
                IPAddress address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
                list.Add(Param("sock_addr", 7, s: $"{address};{ip.Port}"));
            }

            if (client.TlsSubject is { } subject)
            {
                list.Add(Param("x509_dname", 7, s: subject));
            }

            return [.. list];
        }

        if (client.UnixUserId is int uid)
        {
            list.Add(Param("unix_user_id", 1, i: uid));
            if (NameOf("/etc/passwd", uid) is { } user)
            {
                list.Add(Param("unix_user_name", 7, s: user));
            }
        }

        if (client.UnixGroupId is int gid)
        {
            list.Add(Param("unix_group_id", 1, i: gid));
            if (NameOf("/etc/group", gid) is { } group)
            {
                list.Add(Param("unix_group_name", 7, s: group));
            }
        }

        if (client.UnixProcessId is int pid)
        {
            list.Add(Param("unix_process_id", 1, i: pid));
        }

        return [.. list];
    }

    // No NSS binding here: the local account files name the ids the admin socket's owner can connect as.
    private static string? NameOf(string file, int id)
    {
        try
        {
            string wanted = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (string line in File.ReadLines(file))
            {
                string[] fields = line.Split(':');
                if (fields.Length > 2 && fields[2] == wanted)
                {
                    return fields[0];
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static AdminTypedParam Param(string field, int type, int i = 0, int b = 0, string? s = null)
        => new() { Field = field, Value = new AdminTypedParamValue { Type = type, I = i, B = b, S = s! } };
}
