using System.Buffers;
using LibvirtRemote.Xdr;

namespace LibvirtRemote.Server.Dispatch;

/// <summary>
/// The steps every generated handler method shares: decode the arguments while the frame is still in the reader's
/// buffer, run the method, and queue its reply or error. A method that completes synchronously costs no state machine.
/// </summary>
public static class HandlerDispatch
{
    /// <summary>Runs a procedure that returns a value.</summary>
    public static ValueTask Run<THandlers, TArgs, TRet>(
        THandlers handlers, ServerCall call, ReadOnlySequence<byte> body, Func<THandlers, ServerCall, TArgs, ValueTask<TRet>> method)
        where TArgs : IXdrType<TArgs>
        where TRet : IXdrType<TRet>
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(method);
        if (!TryDecode(call, body, out TArgs args))
        {
            return default;
        }

        ValueTask<TRet> pending;
        try
        {
            pending = method(handlers, call, args);
        }
        catch (Exception e)
        {
            call.Fail(e);
            return default;
        }

        if (pending.IsCompletedSuccessfully)
        {
            call.Complete(pending.Result);
            return default;
        }

        return AwaitReply(pending, call);
    }

    /// <summary>Runs a procedure whose reply has no body.</summary>
    public static ValueTask Run<THandlers, TArgs>(
        THandlers handlers, ServerCall call, ReadOnlySequence<byte> body, Func<THandlers, ServerCall, TArgs, ValueTask> method)
        where TArgs : IXdrType<TArgs>
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(method);
        if (!TryDecode(call, body, out TArgs args))
        {
            return default;
        }

        ValueTask pending;
        try
        {
            pending = method(handlers, call, args);
        }
        catch (Exception e)
        {
            call.Fail(e);
            return default;
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            call.Complete(default(XdrVoid));
            return default;
        }

        return AwaitVoid(pending, call);
    }

    /// <summary>The answer of a procedure the backend does not implement.</summary>
    public static ValueTask NotSupported(ServerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ValueTask.FromException(LibvirtErrorException.NoSupport(call.PublicApi, call.ApiErrorDomain));
    }

    /// <summary>The answer of a procedure the backend does not implement.</summary>
    public static ValueTask<T> NotSupported<T>(ServerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ValueTask.FromException<T>(LibvirtErrorException.NoSupport(call.PublicApi, call.ApiErrorDomain));
    }

    /// <summary>The answer to a procedure number the program does not have.</summary>
    public static ValueTask UnknownProcedure(ServerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.Fail(LibvirtErrorException.Rpc($"unknown procedure: {call.Procedure}"));
        return default;
    }

    private static bool TryDecode<TArgs>(ServerCall call, ReadOnlySequence<byte> body, out TArgs args)
        where TArgs : IXdrType<TArgs>
    {
        try
        {
            // libvirtd's decoder takes any non-zero optional flag as present; so do we, to answer the same.
            var reader = new XdrReader(body) { LenientOptionalFlags = true };
            // Bytes after the arguments are ignored, as libvirtd ignores them.
            args = TArgs.Decode(ref reader);
            return true;
        }
        catch (XdrException)
        {
            call.Fail(LibvirtErrorException.Rpc("Unable to decode message payload"));
            args = default!;
            return false;
        }
    }

    private static async ValueTask AwaitReply<TRet>(ValueTask<TRet> pending, ServerCall call)
        where TRet : IXdrType<TRet>
    {
        try
        {
            call.Complete(await pending.ConfigureAwait(false));
        }
        catch (Exception e)
        {
            call.Fail(e);
        }
    }

    private static async ValueTask AwaitVoid(ValueTask pending, ServerCall call)
    {
        try
        {
            await pending.ConfigureAwait(false);
            call.Complete(default(XdrVoid));
        }
        catch (Exception e)
        {
            call.Fail(e);
        }
    }
}
