using System.Runtime.CompilerServices;

namespace LibvirtRemote.Interop.Tests.Support;

/// <summary>Every await in a test is bounded; a timeout names the test and the awaited expression.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static async Task<T> Within<T>(this Task<T> task, [CallerMemberName] string test = "", [CallerArgumentExpression(nameof(task))] string what = "")
    {
        try
        {
            return await task.WaitAsync(Default);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{test}: '{what}' did not complete within {Default.TotalSeconds} s", e);
        }
    }

    public static async Task Within(this Task task, [CallerMemberName] string test = "", [CallerArgumentExpression(nameof(task))] string what = "")
    {
        try
        {
            await task.WaitAsync(Default);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{test}: '{what}' did not complete within {Default.TotalSeconds} s", e);
        }
    }
}
