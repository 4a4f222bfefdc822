namespace Fovea.Tuning;

/// <summary>
/// Asynchronous successive halving (ASHA; Optuna's <c>SuccessiveHalvingPruner</c>): rung k ends at step
/// minResource · reductionFactor^(minEarlyStoppingRate + k); a trial reaching a rung continues only if its value
/// there is in the top 1/reductionFactor of the values every trial had at that rung (for the first few trials at a
/// rung, only the best continues, as Optuna does).
/// </summary>
public sealed class SuccessiveHalvingPruner(int minResource = 1, int reductionFactor = 4, int minEarlyStoppingRate = 0)
    : Pruner
{
    /// <summary>Steps before the first rung.</summary>
    public int MinResource { get; } = minResource >= 1 ? minResource
        : throw new ArgumentOutOfRangeException(nameof(minResource), $"minResource must be >= 1, received {minResource}");

    /// <summary>η: the share 1/η of trials promoted at each rung.</summary>
    public int ReductionFactor { get; } = reductionFactor >= 2 ? reductionFactor
        : throw new ArgumentOutOfRangeException(nameof(reductionFactor), $"reductionFactor must be >= 2, received {reductionFactor}");

    /// <summary>s: shifts every rung by a factor η^s.</summary>
    public int MinEarlyStoppingRate { get; } = minEarlyStoppingRate;

    /// <summary>Last step of rung <paramref name="rung"/> (steps count from 1: the first epoch is step 1).</summary>
    public int RungStep(int rung) => MinResource * (int)Math.Pow(ReductionFactor, MinEarlyStoppingRate + rung);

    /// <inheritdoc/>
    public override bool ShouldPrune(Trial trial, IReadOnlyList<Trial> trials, Objective objective)
    {
        if (trial.LastStep is not int step)
            return false;
        for (int rung = 0; RungStep(rung) <= step; rung++)
        {
            double? mine = ValueAtRung(trial, rung);
            if (mine is not double value)
                return false;
            if (double.IsNaN(value))
                return true;
            var competing = trials.Select(t => ValueAtRung(t, rung)).OfType<double>().Where(v => !double.IsNaN(v))
                .Select(objective.ToLoss).OrderBy(v => v).ToList();
            int promotable = Math.Max(competing.Count / ReductionFactor - 1, 0);
            if (objective.ToLoss(value) > competing[promotable])
                return true;
        }
        return false;
    }

    /// <summary>The value a trial had when it passed the rung: its first report at or after the rung's step.</summary>
    private double? ValueAtRung(Trial t, int rung)
    {
        int target = RungStep(rung);
        foreach (var (s, v) in t.IntermediateValues)
            if (s >= target)
                return v;
        return null;
    }
}
