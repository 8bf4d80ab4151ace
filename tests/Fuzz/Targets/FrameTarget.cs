using System.Buffers;
using System.IO.Pipelines;
using LibvirtRemote.Transport.Framing;

namespace LibvirtRemote.Fuzz.Targets;

/// <summary>
/// The frame layer: <see cref="FrameParser"/> over the input as one segment and split in three, and
/// <see cref="FrameReader"/> over a pipe that receives the input in two writes. Only <see cref="FrameException"/>
/// may come out, and both ways of reading must find the same frames.
/// </summary>
public sealed class FrameTarget : IFuzzTarget, IFramedTarget
{
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));

    /// <inheritdoc/>
    public string Name => "frame";

    /// <inheritdoc/>
    public bool MeasuresAllocation => true;

    /// <inheritdoc/>
    public IReadOnlyList<byte[]> Seeds(SeedCorpus corpus)
        => [.. corpus.Frames.Select(f => f.Bytes), .. corpus.ClientSessions()];

    /// <inheritdoc/>
    public bool IsExpected(Exception exception) => exception is FrameException;

    /// <inheritdoc/>
    public void Run(byte[] input)
    {
        int whole = ParseAll(new ReadOnlySequence<byte>(input), out Exception? wholeError);
        int split = ParseAll(Segments.Split(input, input.Length / 3, 2 * input.Length / 3), out Exception? splitError);
        if (whole != split || (wholeError is null) != (splitError is null))
        {
            throw new FuzzInvariantException($"Contiguous parse found {whole} frames ({wholeError?.Message}), split parse {split} ({splitError?.Message})");
        }

        // The reader also reports a stream that ends inside a frame, where the parser just asks for more data.
        int read = ReadAll(input, out Exception? readError);
        if (read != whole || (wholeError is not null && readError is null))
        {
            throw new FuzzInvariantException($"Parser found {whole} frames ({wholeError?.Message}), reader {read} ({readError?.Message})");
        }

        if (wholeError is not null)
        {
            throw wholeError;
        }
    }

    private static int ParseAll(ReadOnlySequence<byte> buffer, out Exception? error)
    {
        error = null;
        int frames = 0;
        try
        {
            while (FrameParser.TryParse(ref buffer, out Frame frame) == OperationStatus.Done)
            {
                frames++;
                if (frame.Body.Length < 0 || frame.FdCount is < 0 or > FrameLimits.MaxFds)
                {
                    throw new FuzzInvariantException("Impossible frame");
                }
            }
        }
        catch (FrameException e)
        {
            error = e;
        }

        return frames;
    }

    private int ReadAll(byte[] input, out Exception? error)
    {
        error = null;
        int frames = 0;
        int half = input.Length / 2;
        _pipe.Writer.Write(input.AsSpan(0, half));
        _pipe.Writer.Write(input.AsSpan(half));
        _pipe.Writer.Complete();
        var reader = new FrameReader(_pipe.Reader);
        try
        {
            while (true)
            {
                ValueTask<Frame?> next = reader.ReadAsync();
                if (!next.IsCompleted)
                {
                    throw new FuzzInvariantException("FrameReader waited although the whole input was already in the pipe");
                }

                if (next.Result is null)
                {
                    break;
                }

                frames++;
            }
        }
        catch (FrameException e)
        {
            error = e;
        }
        finally
        {
            _pipe.Reader.Complete();
            _pipe.Reset();
        }

        return frames;
    }
}
