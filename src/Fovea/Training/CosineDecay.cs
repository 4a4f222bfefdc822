namespace Fovea.Training;

/// <summary>
/// Linear warm-up from <c>initialRate</c> to <c>warmupTarget</c> over <c>warmupSteps</c>, then cosine annealing to
/// <c>alpha·peak</c> over <c>decaySteps</c> (Keras <c>CosineDecay</c>):
/// rate(t) = peak·(alpha + (1 − alpha)·½(1 + cos(π·min(t − warmup, decay)/decay))).
/// Without warm-up the peak is <c>initialRate</c>.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    public CosineDecay(double initialRate, long decaySteps, double alpha = 0, long warmupSteps = 0, double? warmupTarget = null)
    {
        if (initialRate < 0 || decaySteps <= 0 || warmupSteps < 0 || alpha < 0 || alpha > 1)
            throw new ArgumentOutOfRangeException(nameof(decaySteps),
                $"CosineDecay: needs initialRate ≥ 0, decaySteps > 0, warmupSteps ≥ 0, alpha in [0, 1]; received {initialRate}, {decaySteps}, {warmupSteps}, {alpha}");
        InitialRate = initialRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
        WarmupSteps = warmupSteps;
        Peak = warmupTarget ?? initialRate;
    }

    public double InitialRate { get; }
    public long DecaySteps { get; }
    public double Alpha { get; }
    public long WarmupSteps { get; }
    public double Peak { get; }

    public override double Rate(long step)
    {
        if (step < WarmupSteps)
            return InitialRate + (Peak - InitialRate) * step / WarmupSteps;
        double t = Math.Min(step - WarmupSteps, DecaySteps) / (double)DecaySteps;
        return Peak * (Alpha + (1 - Alpha) * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }
}
