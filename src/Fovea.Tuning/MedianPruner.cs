namespace Fovea.Tuning;

/// <summary>
/// The median stopping rule (Optuna's <c>MedianPruner</c>): at step s, stop a trial whose best value so far is worse
/// than the median of the values the completed trials reported at step s. Nothing is pruned before
/// <see cref="StartupTrials"/> trials completed, nor before step <see cref="WarmupSteps"/>.
/// </summary>
public sealed class MedianPruner(int nStartupTrials = 5, int nWarmupSteps = 0) : Pruner
{
    /// <summary>Completed trials needed before pruning starts (Optuna: 5).</summary>
    public int StartupTrials { get; } = nStartupTrials;

    /// <summary>Steps a trial always runs (Optuna: 0).</summary>
    public int WarmupSteps { get; } = nWarmupSteps;

    /// <inheritdoc/>
    public override bool ShouldPrune(Trial trial, IReadOnlyList<Trial> trials, Objective objective)
    {
        if (trial.LastStep is not int step || step < WarmupSteps)
            return false;
        var completed = trials.Where(t => t.Status == TrialStatus.Completed && t.Number != trial.Number).ToList();
        if (completed.Count < StartupTrials)
            return false;
        var atStep = completed.Where(t => t.IntermediateValues.ContainsKey(step))
            .Select(t => objective.ToLoss(t.IntermediateValues[step])).Where(v => !double.IsNaN(v)).OrderBy(v => v).ToList();
        if (atStep.Count == 0)
            return false;
        double median = atStep.Count % 2 == 1 ? atStep[atStep.Count / 2]
            : 0.5 * (atStep[atStep.Count / 2 - 1] + atStep[atStep.Count / 2]);
        double bestSoFar = trial.IntermediateValues.Where(kv => kv.Key <= step).Select(kv => objective.ToLoss(kv.Value)).Min();
        return double.IsNaN(bestSoFar) || bestSoFar > median;
    }
}
