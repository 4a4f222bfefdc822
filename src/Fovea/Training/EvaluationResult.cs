namespace Fovea.Training;

/// <summary>
/// The loss and metrics of <c>Model.Evaluate</c>: the total loss, each output's loss and each output's metrics.
/// </summary>
public sealed class EvaluationResult
{
    /// <summary>A result without per-output details (a model with one output).</summary>
    public EvaluationResult(double loss, IReadOnlyDictionary<string, double> metrics, int samples)
        : this(loss, metrics, samples, new Dictionary<string, double>(),
            new Dictionary<string, IReadOnlyDictionary<string, double>>())
    {
    }

    /// <summary>A result with each output's loss and metrics.</summary>
    public EvaluationResult(double loss, IReadOnlyDictionary<string, double> metrics, int samples,
        IReadOnlyDictionary<string, double> outputLosses,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> outputMetrics)
    {
        Loss = loss;
        Metrics = metrics;
        Samples = samples;
        OutputLosses = outputLosses;
        OutputMetrics = outputMetrics;
    }

    /// <summary>
    /// Mean total loss over the samples: the weighted sum of the outputs' losses plus the weight penalties (as Keras
    /// reports it).
    /// </summary>
    public double Loss { get; }

    /// <summary>
    /// Each compiled metric by its log name: the metric's name for a model with one output ("accuracy"),
    /// "&lt;output&gt;_&lt;metric&gt;" for several ("class_accuracy").
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Number of samples evaluated.</summary>
    public int Samples { get; }

    /// <summary>Each output's mean loss, unweighted and without weight penalties, by output name (outputs compiled
    /// without a loss are absent).</summary>
    public IReadOnlyDictionary<string, double> OutputLosses { get; }

    /// <summary>Each output's metrics, by output name and then metric name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> OutputMetrics { get; }

    /// <summary>The "accuracy" metric (NaN if it was not compiled).</summary>
    public double Accuracy => Metrics.TryGetValue("accuracy", out double a) ? a : double.NaN;

    public override string ToString() =>
        $"loss {Loss:F4}"
        + (OutputLosses.Count > 1 ? string.Concat(OutputLosses.Select(kv => $", {kv.Key}_loss {kv.Value:F4}")) : "")
        + string.Concat(Metrics.Select(kv => $", {kv.Key} {kv.Value:F4}"));
}
