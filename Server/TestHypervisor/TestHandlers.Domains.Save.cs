using LibvirtRemote.Protocol;
using LibvirtRemote.Server.TestHypervisor.Domains;

namespace LibvirtRemote.Server.TestHypervisor;

/// <summary>save/restore to an image and managed save, with the test driver's states, events and errors.</summary>
internal sealed partial class TestHandlers
{
    private const int RunningRestored = 3, ShutoffSaved = 5, DetailStoppedSaved = 4, DetailStartedRestored = 2;

    public override ValueTask DomainSaveAsync(ServerCall call, DomainSaveArgs args)
        => AsJob(() => Save(call, args.Dom, args.To, null, 0));

    public override ValueTask DomainSaveFlagsAsync(ServerCall call, DomainSaveFlagsArgs args)
        => AsJob(() => Save(call, args.Dom, args.To, args.Dxml, args.Flags));

    public override ValueTask DomainRestoreAsync(ServerCall call, DomainRestoreArgs args)
    {
        Restore(call, args.From, null, 0);
        return default;
    }

    public override ValueTask DomainRestoreFlagsAsync(ServerCall call, DomainRestoreFlagsArgs args)
    {
        Restore(call, args.From, args.Dxml, args.Flags);
        return default;
    }

    public override ValueTask<DomainSaveImageGetXmlDescRet> DomainSaveImageGetXmlDescAsync(ServerCall call, DomainSaveImageGetXmlDescArgs args)
    {
        CheckFlags(args.Flags, 1, "testDomainSaveImageGetXMLDesc");
        lock (_state.Gate)
        {
            return new(new DomainSaveImageGetXmlDescRet { Xml = DomainDefinition.Parse(ReadSaveImage(args.File)).Format(-1, secure: true) });
        }
    }

    public override ValueTask DomainSaveImageDefineXmlAsync(ServerCall call, DomainSaveImageDefineXmlArgs args)
    {
        CheckFlags(args.Flags, 2 | 4, "testDomainSaveImageDefineXML");
        lock (_state.Gate)
        {
            ReadSaveImage(args.File);
            _state.StoreSaveImageLocked(args.File, DomainDefinition.Parse(args.Dxml).Format(-1, secure: true));
        }

        return default;
    }

    public override ValueTask DomainManagedSaveAsync(ServerCall call, DomainManagedSaveArgs args)
        => AsJob(() => ManagedSave(call, args));

    private void ManagedSave(ServerCall call, DomainManagedSaveArgs args)
    {
        CheckFlags(args.Flags, 1 | 2 | 4, "testDomainManagedSave");
        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(args.Dom);
            RequireActive(domain);
            if (!domain.Persistent)
            {
                throw new LibvirtErrorException(ErrorCode.OperationInvalid, ErrorDomain.Test, "Requested operation is not valid: cannot do managed save for transient domain");
            }

            _state.StopLocked(domain, ShutoffSaved);
            domain.HasManagedSave = true;
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventStopped, DetailStoppedSaved);
    }

    public override ValueTask DomainManagedSaveRemoveAsync(ServerCall call, DomainManagedSaveRemoveArgs args)
    {
        CheckFlags(args.Flags, 0, "testDomainManagedSaveRemove");
        lock (_state.Gate)
        {
            _state.GetDomainLocked(args.Dom).HasManagedSave = false;
        }

        return default;
    }

    private void Save(ServerCall call, in NonnullDomain target, string path, string? dxml, uint flags)
    {
        CheckFlags(flags, 0, "testDomainSaveFlags");
        if (dxml is not null)
        {
            throw new LibvirtErrorException(ErrorCode.ArgumentUnsupported, ErrorDomain.Test, "argument unsupported: xml modification unsupported");
        }

        NonnullDomain handle;
        lock (_state.Gate)
        {
            TestDomain domain = _state.GetDomainLocked(target);
            RequireActive(domain);

            // The test driver creates the file; a missing directory fails as its open() would.
            RequireParentDirectory(path, $"saving domain '{domain.Name}' to '{path}': open failed: No such file or directory");

            _state.StoreSaveImageLocked(path, domain.Current.Format(-1, secure: true));
            _state.StopLocked(domain, ShutoffSaved);
            handle = domain.Handle;
        }

        PublishLifecycle(call, handle, EventStopped, DetailStoppedSaved);
    }

    private void Restore(ServerCall call, string path, string? dxml, uint flags)
    {
        CheckFlags(flags, 0, "testDomainRestoreFlags");
        if (dxml is not null)
        {
            throw new LibvirtErrorException(ErrorCode.ArgumentUnsupported, ErrorDomain.Test, "argument unsupported: xml modification unsupported");
        }

        NonnullDomain handle;
        lock (_state.Gate)
        {
            DomainDefinition definition = DomainDefinition.Parse(ReadSaveImage(path));
            definition.ApplyDefaults();
            handle = _state.CreateLocked(definition, RunningRestored).Handle;
        }

        PublishLifecycle(call, handle, EventStarted, DetailStartedRestored);
    }

    private string ReadSaveImage(string path)
        => _state.FindSaveImageLocked(path)
        ?? throw new LibvirtErrorException(ErrorCode.SystemError, ErrorDomain.Test, $"cannot read domain image '{path}': No such file or directory");

    // Files the test driver would write are not written here, but a path whose directory is missing fails as the
    // driver's open() would.
    private static void RequireParentDirectory(string path, string message)
    {
        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            throw new LibvirtErrorException(ErrorCode.SystemError, ErrorDomain.Test, message);
        }
    }
}
