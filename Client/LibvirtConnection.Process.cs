using LibvirtRemote.Client.Auth;
using LibvirtRemote.Client.Ssh;
using LibvirtRemote.Transport.Process;

namespace LibvirtRemote.Client;

public sealed partial class LibvirtConnection
{
    // ssh, libssh, libssh2 and ext all speak the protocol over a child process's stdio; only the command line differs.
    // The askpass bridge, when given, is how ssh asks the libssh transports' questions.
    private static ProcessDuplexPipe ConnectProcessTransport(LibvirtUri uri, LibvirtConnectionOptions options, AskpassBridge? askpass)
    {
        IReadOnlyList<string> argv = uri.EffectiveTransport switch
        {
            "ssh" => SshCommandBuilder.BuildSsh(uri, options.ReadOnly, Environment.IsPrivilegedProcess),
            "libssh" or "libssh2" => SshCommandBuilder.BuildLibssh(
                uri,
                options.ReadOnly,
                Environment.IsPrivilegedProcess,
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ClientConfig.UserConfigDirectory(),
                interactive: askpass is not null),
            _ => SshCommandBuilder.BuildExternal(uri),
        };
        bool ssh = uri.EffectiveTransport != "ext";
        var environment = new Dictionary<string, string>(SshCommandBuilder.ChildEnvironment(ssh), StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> pair in askpass?.Environment ?? [])
        {
            environment[pair.Key] = pair.Value;
        }

        try
        {
            return ProcessDuplexPipe.Start(argv, environment);
        }
        catch (IOException e)
        {
            throw new LibvirtClientException(e.Message, e);
        }
    }

    // The libssh transports hand their questions to the application only when it gave a callback, as libvirt
    // asks only through the connection's authentication callback.
    private static (AskpassBridge? Bridge, SshPromptTranslator? Translator) StartAskpass(LibvirtUri uri, LibvirtConnectionOptions options)
    {
        if (uri.EffectiveTransport is not ("libssh" or "libssh2") || options.SshPromptCallback is not { } callback || OperatingSystem.IsWindows())
        {
            return (null, null);
        }

        var translator = new SshPromptTranslator(uri, callback, () => AuthFilePassword(uri));
        return (AskpassBridge.Start(translator.AnswerAsync), translator);
    }

    private static string? AuthFilePassword(LibvirtUri uri)
    {
        if (LibvirtAuthConfig.Locate(uri) is not string path)
        {
            return null;
        }

        try
        {
            return LibvirtAuthConfig.Parse(File.ReadAllText(path), path).Lookup("ssh", uri.Host, "password");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new LibvirtClientException($"Cannot read the auth file {path}: {e.Message}", e);
        }
    }
}
