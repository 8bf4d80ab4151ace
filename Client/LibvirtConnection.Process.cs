using LibvirtRemote.Client.Ssh;
using LibvirtRemote.Transport.Process;

namespace LibvirtRemote.Client;

public sealed partial class LibvirtConnection
{
    // ssh and ext both speak the protocol over a child process's stdio; only the command line differs.
    private static ProcessDuplexPipe ConnectProcessTransport(LibvirtUri uri, LibvirtConnectionOptions options)
    {
        bool ssh = uri.EffectiveTransport == "ssh";
        IReadOnlyList<string> argv = ssh
            ? SshCommandBuilder.BuildSsh(uri, options.ReadOnly, Environment.IsPrivilegedProcess)
            : SshCommandBuilder.BuildExternal(uri);
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
