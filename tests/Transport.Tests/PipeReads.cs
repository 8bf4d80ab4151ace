using System.Buffers;
using System.IO.Pipelines;
using Xunit;

namespace LibvirtRemote.Transport.Tests;

/// <summary>Reading a known number of bytes from a pipe, for tests that check what arrived.</summary>
internal static class PipeReads
{
    public static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            if (result.Buffer.Length >= count)
            {
                byte[] bytes = result.Buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            Assert.False(result.IsCompleted, "the pipe ended early");
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
