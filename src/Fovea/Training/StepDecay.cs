namespace Fovea.Training;

/// <summary>
/// Piecewise-constant rates (Keras <c>PiecewiseConstantDecay</c>; PyTorch <c>MultiStepLR</c> with explicit values):
/// <c>values[i]</c> applies while step ≤ <c>boundaries[i]</c>, the last value after the last boundary.
/// </summary>
public sealed class StepDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    public StepDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values)
    {
        if (values.Count != boundaries.Count + 1)
            throw new ArgumentException($"StepDecay: {boundaries.Count} boundaries need {boundaries.Count + 1} values, received {values.Count}");
        for (int i = 1; i < boundaries.Count; i++)
        {
            if (boundaries[i] <= boundaries[i - 1])
                throw new ArgumentException("StepDecay: boundaries must increase");
        }
        _boundaries = boundaries.ToArray();
        _values = values.ToArray();
    }

    public override double Rate(long step)
    {
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i])
                return _values[i];
        }
        return _values[^1];
    }
}
