using LibvirtRemote.Client.Ssh;
using LibvirtRemote.Transport.Process;

namespace LibvirtRemote.Client;

public sealed partial class LibvirtConnection
{
    // ssh, libssh, libssh2 and ext all speak the protocol over a child process's stdio; only the command line differs.
    private static ProcessDuplexPipe ConnectProcessTransport(LibvirtUri uri, LibvirtConnectionOptions options)
    {
        IReadOnlyList<string> argv = uri.EffectiveTransport switch
        {
            "ssh" => SshCommandBuilder.BuildSsh(uri, options.ReadOnly, Environment.IsPrivilegedProcess),
            "libssh" or "libssh2" => SshCommandBuilder.BuildLibssh(
                uri,
                options.ReadOnly,
                Environment.IsPrivilegedProcess,
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ClientConfig.UserConfigDirectory()),
            _ => SshCommandBuilder.BuildExternal(uri),
        };
        bool ssh = uri.EffectiveTransport != "ext";
        try
        {
            return ProcessDuplexPipe.Start(argv, SshCommandBuilder.ChildEnvironment(ssh));
        }
        catch (IOException e)
        {
            throw new LibvirtClientException(e.Message, e);
        }
    }
}
