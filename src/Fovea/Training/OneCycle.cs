namespace Fovea.Training;

/// <summary>
/// The one-cycle policy (Smith; PyTorch <c>OneCycleLR</c> with cosine annealing): from maxRate/divFactor up to maxRate
/// over the first <c>pctStart</c> of <c>totalSteps</c>, then down to maxRate/(divFactor·finalDivFactor), both phases
/// along half cosines.
/// </summary>
public sealed class OneCycle(double maxRate, long totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
    : LearningRateSchedule
{
    public double MaxRate { get; } = maxRate;
    public long TotalSteps { get; } = totalSteps > 1 ? totalSteps : throw new ArgumentOutOfRangeException(nameof(totalSteps));

    public override double Rate(long step)
    {
        double initial = MaxRate / divFactor, final = initial / finalDivFactor;
        double up = Math.Max(1, pctStart * TotalSteps - 1);
        double last = TotalSteps - 1;
        if (step <= up)
            return Anneal(initial, MaxRate, step / up);
        return Anneal(MaxRate, final, Math.Min(1, (step - up) / Math.Max(1, last - up)));
    }

    private static double Anneal(double start, double end, double t) => end + (start - end) / 2 * (1 + Math.Cos(Math.PI * t));
}
