namespace Fovea.Tuning;

/// <summary>
/// Early stopping of poor trials (Optuna's pruners): after each reported step (epoch), whether the running trial is
/// unpromising compared with the others and should stop.
/// </summary>
public abstract class Pruner
{
    /// <summary>
    /// Whether <paramref name="trial"/>, whose last report is its <see cref="Trial.LastStep"/>, should stop, given all
    /// trials of the study (itself included) and the <paramref name="objective"/>'s direction.
    /// </summary>
    public abstract bool ShouldPrune(Trial trial, IReadOnlyList<Trial> trials, Objective objective);
}
