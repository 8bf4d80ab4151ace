namespace LibvirtRemote.Fuzz;

/// <summary>Budget and bounds of one fuzz run.</summary>
public sealed record FuzzOptions
{
    /// <summary>Seed of the run's random source; the same seed and budget give the same inputs.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Inputs per target.</summary>
    public long Inputs { get; init; } = 100_000;

    /// <summary>Stop a target early after this long (null: no time limit).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>An input that takes longer than this is recorded as a "slow" failure.</summary>
    public TimeSpan TimeBound { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>An input still running after this long is recorded as a "hang"; the console runner then exits.</summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Allowed allocation per input: <see cref="AllocationFactor"/> × input length + <see cref="AllocationSlack"/>.</summary>
    public int AllocationFactor { get; init; } = 16;

    /// <summary>Fixed allowance on top of the per-byte one (small objects, boxes, the pipe of the frame reader).</summary>
    public int AllocationSlack { get; init; } = 64 * 1024;

    /// <summary>Where failing inputs are written (null: not written).</summary>
    public string? FailureDirectory { get; init; }

    /// <summary>Stop a target after this many failures (the rest would mostly be duplicates).</summary>
    public int MaxFailures { get; init; } = 50;

    /// <summary>How often (in inputs) the target's cross-input health check runs.</summary>
    public int HealthEvery { get; init; } = 2000;

    /// <summary>Progress lines (null: silent).</summary>
    public Action<string>? Log { get; init; }
}
