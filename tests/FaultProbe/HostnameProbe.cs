using System.Globalization;
using LibvirtRemote.Client;

/// <summary>
/// Our client in a process of its own, so a test can run it as another user (polkit decides by the caller's uid):
/// opens the URI and prints "OK HOSTNAME", or "ERR CODE DOMAIN MESSAGE" as python3-libvirt scripts in the tests do.
/// </summary>
internal static class HostnameProbe
{
    public static async Task<int> RunAsync(string uri)
    {
        try
        {
            await using LibvirtConnection connection = await LibvirtConnection.OpenAsync(uri);
            Console.WriteLine($"OK {await connection.GetHostnameAsync()}");
        }
        catch (LibvirtException error)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ERR {(int)error.Code} {(int)error.Domain} {error.Message}"));
        }

        return 0;
    }
}
