namespace Fovea.Training;

/// <summary>
/// rate(t) = initialRate · decayRate^(t / decaySteps), with the exponent floored when <c>staircase</c> (Keras
/// <c>ExponentialDecay</c>). A staircase schedule with decayRate 0.1 is the classic step decay ("divide by 10 every
/// k steps").
/// </summary>
public sealed class ExponentialDecay(double initialRate, long decaySteps, double decayRate, bool staircase = false)
    : LearningRateSchedule
{
    public double InitialRate { get; } = initialRate;
    public long DecaySteps { get; } = decaySteps > 0 ? decaySteps : throw new ArgumentOutOfRangeException(nameof(decaySteps));
    public double DecayRate { get; } = decayRate;
    public bool Staircase { get; } = staircase;

    public override double Rate(long step)
    {
        double p = step / (double)DecaySteps;
        return InitialRate * Math.Pow(DecayRate, Staircase ? Math.Floor(p) : p);
    }
}
