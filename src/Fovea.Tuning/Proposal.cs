namespace Fovea.Tuning;

/// <summary>A strategy's answer to "what next?": values to run, wait (other trials must finish first), or stop.</summary>
public sealed class Proposal
{
    private Proposal(IReadOnlyDictionary<string, object>? values, bool wait)
    {
        Values = values;
        IsWait = wait;
    }

    /// <summary>Values to run, or null for <see cref="Wait"/> and <see cref="Stop"/>.</summary>
    public IReadOnlyDictionary<string, object>? Values { get; }

    /// <summary>Whether the strategy waits for running trials (Hyperband between rounds).</summary>
    public bool IsWait { get; }

    /// <summary>Whether the search is over (the space or the schedule is exhausted).</summary>
    public bool IsStop => Values is null && !IsWait;

    /// <summary>Run a trial with <paramref name="values"/>.</summary>
    public static Proposal Run(IReadOnlyDictionary<string, object> values) => new(values, false);

    /// <summary>Nothing to start until running trials finish.</summary>
    public static Proposal Wait { get; } = new(null, true);

    /// <summary>No more trials.</summary>
    public static Proposal Stop { get; } = new(null, false);
}
