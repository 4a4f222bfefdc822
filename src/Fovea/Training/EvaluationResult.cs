namespace Fovea.Training;

/// <summary>The loss and metrics of <c>Model.Evaluate</c>.</summary>
public sealed class EvaluationResult(double loss, IReadOnlyDictionary<string, double> metrics, int samples)
{
    /// <summary>Mean loss over the samples, including weight penalties (as Keras reports it).</summary>
    public double Loss { get; } = loss;

    /// <summary>Each compiled metric by name.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; } = metrics;

    /// <summary>Number of samples evaluated.</summary>
    public int Samples { get; } = samples;

    /// <summary>The "accuracy" metric (NaN if it was not compiled).</summary>
    public double Accuracy => Metrics.TryGetValue("accuracy", out double a) ? a : double.NaN;

    public override string ToString() =>
        $"loss {Loss:F4}" + string.Concat(Metrics.Select(kv => $", {kv.Key} {kv.Value:F4}"));
}
