namespace Fovea.Tuning;

/// <summary>Where a trial stands.</summary>
public enum TrialStatus
{
    /// <summary>Started (claimed by a worker) and not finished.</summary>
    Running,

    /// <summary>Finished with a score.</summary>
    Completed,

    /// <summary>Stopped early by a pruner; its score is its best intermediate value.</summary>
    Pruned,

    /// <summary>Raised an error (recorded in the journal); it has no score.</summary>
    Failed,
}
