namespace Fovea.Tuning;

/// <summary>
/// One evaluation of the objective: its number, its hyperparameter values, its state, the intermediate values it
/// reported (one per epoch) and its score. Read from the study's journal; the study creates and updates it.
/// </summary>
public sealed class Trial
{
    private readonly SortedDictionary<int, double> _intermediate = [];

    internal Trial(int number, IReadOnlyDictionary<string, object> values, int attempt)
    {
        Number = number;
        Values = values;
        Attempt = attempt;
    }

    /// <summary>Trial number: 0, 1, ... in the order trials were started.</summary>
    public int Number { get; }

    /// <summary>The hyperparameter values (only active parameters: a conditional one absent when its parent excludes it).</summary>
    public IReadOnlyDictionary<string, object> Values { get; internal set; }

    /// <summary>How many times the trial was started: above 1 when a worker died and another re-ran it.</summary>
    public int Attempt { get; internal set; }

    /// <summary>Where the trial stands.</summary>
    public TrialStatus Status { get; internal set; } = TrialStatus.Running;

    /// <summary>The objective's value (best over epochs for a model), or null while running or when failed.</summary>
    public double? Score { get; internal set; }

    /// <summary>Step (epoch) of <see cref="Score"/>, if reported.</summary>
    public int? BestStep { get; internal set; }

    /// <summary>Intermediate objective values by step (epoch), for pruners and plots.</summary>
    public IReadOnlyDictionary<int, double> IntermediateValues => _intermediate;

    /// <summary>Last step reported, or null.</summary>
    public int? LastStep => _intermediate.Count == 0 ? null : _intermediate.Keys.Last();

    /// <summary>Other metrics of the best epoch (e.g. "val_loss"), as recorded when the trial finished.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; internal set; } = new Dictionary<string, double>();

    /// <summary>The error message of a failed trial.</summary>
    public string? Error { get; internal set; }

    /// <summary>Seconds the trial ran (its last attempt).</summary>
    public double Seconds { get; internal set; }

    /// <summary>Whether the trial is over (completed, pruned or failed).</summary>
    public bool IsFinished => Status != TrialStatus.Running;

    internal void SetIntermediate(int step, double value) => _intermediate[step] = value;

    internal void ClearIntermediate() => _intermediate.Clear();

    /// <inheritdoc/>
    public override string ToString() =>
        $"trial {Number} {Status} score={HyperParameter.Format(Score)} " +
        string.Join(" ", Values.Select(kv => $"{kv.Key}={HyperParameter.Format(kv.Value)}"));
}
