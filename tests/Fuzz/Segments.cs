using System.Buffers;

namespace LibvirtRemote.Fuzz;

/// <summary>Builds multi-segment sequences, so code that handles a frame split across buffers is exercised.</summary>
public static class Segments
{
    /// <summary>Splits <paramref name="data"/> at the given offsets (clamped and sorted).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        int[] points = [.. cuts.Select(c => Math.Clamp(c, 0, data.Length)).Order(), data.Length];
        Segment first = new(data.AsMemory(0, points[0]), 0);
        Segment last = first;
        for (int i = 1; i < points.Length; i++)
        {
            last = last.Append(data.AsMemory(points[i - 1], points[i] - points[i - 1]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
