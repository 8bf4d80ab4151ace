using LibvirtRemote.Client;
using LibvirtRemote.Client.Auth;
using LibvirtRemote.Client.Ssh;
using LibvirtRemote.Protocol;
using Xunit;

namespace LibvirtRemote.Client.Tests;

/// <summary>
/// OpenSSH's askpass questions turned into libvirt 9.0.0's libssh/libssh2 callback questions (credential type and
/// prompt as virnetlibsshsession.c, virnetsshsession.c and virauth.c build them) and the answers turned back.
/// </summary>
public sealed class SshPromptTranslatorTests
{
    // ssh-keygen -l -E sha256 / -E md5 of one ed25519 key.
    private const string Sha256Question = "The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\n"
        + "ED25519 key fingerprint is SHA256:ukfZOKxQ5aUFZA6zn6iSXwk0Mbq7+5WucL/jrrZRsAI.\nThis key is not known by any other names.\n"
        + "Are you sure you want to continue connecting (yes/no/[fingerprint])? ";

    private const string Md5Question = "The authenticity of host '[127.0.0.1]:2222 ([127.0.0.1]:2222)' can't be established.\n"
        + "ED25519 key fingerprint is MD5:74:2e:0d:8e:59:62:e0:97:df:d3:79:da:2f:a7:d8:71.\n"
        + "Are you sure you want to continue connecting (yes/no/[fingerprint])? ";

    private readonly List<SshPromptRequest> _asked = [];

    [Fact]
    public void TheHostKeyQuestionShowsLibsshsSha256HexDigest()
    {
        SshPromptRequest request = Translator("libssh").Classify(Sha256Question);
        Assert.Equal(SshPromptKind.HostKey, request.Kind);
        Assert.Equal(CredentialType.EchoPrompt, request.Type);
        Assert.Equal(
            "Accept SSH host key with hash 'ba:47:d9:38:ac:50:e5:a5:05:64:0e:b3:9f:a8:92:5f:09:34:31:ba:bb:fb:95:ae:70:bf:e3:ae:b6:51:b0:02' for host '127.0.0.1:2222' (y/n)?",
            request.Prompt);
    }

    [Fact]
    public void TheHostKeyQuestionShowsLibssh2sUpperCaseMd5Digest()
        => Assert.Equal(
            "Accept SSH host key with hash '74:2E:0D:8E:59:62:E0:97:DF:D3:79:DA:2F:A7:D8:71' for host '127.0.0.1:2222' (y/n)?",
            Translator("libssh2").Classify(Md5Question).Prompt);

    [Theory]
    [InlineData("y", "yes")]
    [InlineData("Y", "yes")]
    [InlineData("yes", "no")]
    [InlineData("n", "no")]
    [InlineData(null, "no")]
    public async Task OnlyYAcceptsAHostKey(string? answer, string reply)
    {
        SshPromptTranslator translator = Translator("libssh", answer);
        Assert.Equal(reply, await translator.AnswerAsync(Sha256Question, CancellationToken.None));
        if (reply == "no")
        {
            LibvirtException failure = Assert.IsType<LibvirtException>(translator.Failure);
            Assert.Equal((ErrorCode.Libssh, ErrorDomain.Libssh), (failure.Code, failure.Domain));
            Assert.Equal("libssh transport error: SSH host key for '127.0.0.1' (ba:47:d9:38:ac:50:e5:a5:05:64:0e:b3:9f:a8:92:5f:09:34:31:ba:bb:fb:95:ae:70:bf:e3:ae:b6:51:b0:02) was not accepted", failure.Message);
        }
        else
        {
            Assert.Null(translator.Failure);
        }
    }

    [Theory]
    [InlineData("libssh", "Passphrase")]
    [InlineData("libssh2", "Passphrase for key '/k/id'")]
    public async Task AKeyPassphraseIsAskedOnceAndASecondQuestionMeansItWasWrong(string transport, string prompt)
    {
        SshPromptTranslator translator = Translator(transport, "secret", "again");
        Assert.Equal("secret", await translator.AnswerAsync("Enter passphrase for key '/k/id': ", CancellationToken.None));
        Assert.Equal((SshPromptKind.KeyPassphrase, CredentialType.Passphrase, prompt, (string?)null), (_asked[0].Kind, _asked[0].Type, _asked[0].Prompt, _asked[0].Challenge));
        Assert.Null(await translator.AnswerAsync("Bad passphrase, try again for /k/id: ", CancellationToken.None));
        Assert.Single(_asked);
        LibvirtException failure = Assert.IsType<LibvirtException>(translator.Failure);
        Assert.Equal(ErrorCode.AuthFailed, failure.Code);
        Assert.StartsWith("authentication failed: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'/k/id'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APasswordComesFromTheAuthFileBeforeTheCallback()
    {
        Assert.Equal("from-file", await Translator("libssh", ["typed"], "from-file").AnswerAsync("alice@h's password: ", CancellationToken.None));
        Assert.Empty(_asked);

        Assert.Equal("typed", await Translator("libssh", ["typed"]).AnswerAsync("alice@h's password: ", CancellationToken.None));
        Assert.Equal((SshPromptKind.Password, CredentialType.Passphrase, "Enter alice's password for 127.0.0.1", "127.0.0.1"), (_asked[0].Kind, _asked[0].Type, _asked[0].Prompt, _asked[0].Challenge));
    }

    [Fact]
    public async Task AKeyboardInteractivePromptLosesSshsPrefixAndTrailingColon()
    {
        Assert.Equal("123456", await Translator("libssh", "123456").AnswerAsync("(alice@h) Verification code: ", CancellationToken.None));
        Assert.Equal((SshPromptKind.KeyboardInteractive, "Verification code"), (_asked[0].Kind, _asked[0].Prompt));
    }

    [Fact]
    public async Task ADeclinedPasswordRecordsLibvirtsError()
    {
        SshPromptTranslator translator = Translator("libssh2");
        Assert.Null(await translator.AnswerAsync("alice@h's password: ", CancellationToken.None));
        LibvirtException failure = Assert.IsType<LibvirtException>(translator.Failure);
        Assert.Equal("authentication failed: Password request failed", failure.Message);
    }

    private SshPromptTranslator Translator(string transport, params string?[] answers) => Translator(transport, answers, null);

    private SshPromptTranslator Translator(string transport, string?[] answers, string? filePassword)
    {
        var queue = new Queue<string?>(answers);
        return new SshPromptTranslator(
            LibvirtUri.Parse($"test+{transport}://alice@127.0.0.1:2222/default"),
            (request, _) =>
            {
                _asked.Add(request);
                return ValueTask.FromResult(queue.TryDequeue(out string? answer) ? answer : null);
            },
            () => filePassword);
    }
}
