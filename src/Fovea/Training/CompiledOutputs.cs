using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// What Compile chose for each output of a model (Keras <c>CompileLoss</c> and <c>CompileMetrics</c>): its name, its
/// loss (or none), the loss weight and its metrics. The total loss is <c>Σ wᵢ·Lᵢ</c> over the outputs that have a
/// loss. Logs are named as Keras 3 names them: "loss" (the total), "&lt;output&gt;_loss" for each output's unweighted
/// loss when more than one output has a loss, and "&lt;output&gt;_&lt;metric&gt;" when the model has several
/// outputs (the bare metric name for one output); a name that repeats gets "_1", "_2", ...
/// </summary>
internal sealed class CompiledOutputs
{
    public CompiledOutputs(IReadOnlyList<string> names, IReadOnlyList<Loss?> losses, IReadOnlyList<double> weights,
        IReadOnlyList<IReadOnlyList<Metric>> metrics)
    {
        Names = [.. names];
        Losses = [.. losses];
        Weights = [.. weights];
        Metrics = metrics.Select(m => m.ToArray()).ToArray();
        if (Losses.Length != Names.Length || Weights.Length != Names.Length || Metrics.Length != Names.Length)
            throw new ArgumentException("one loss, weight and metric list per output");
        LossCount = Losses.Count(l => l is not null);
        LossKeys = Names.Select(n => n + "_loss").ToArray();
        var keys = new List<(int, Metric, string)>();
        var used = new Dictionary<string, int>();
        for (int o = 0; o < Names.Length; o++)
        {
            foreach (var m in Metrics[o])
            {
                string key = Names.Length == 1 ? m.Name : $"{Names[o]}_{m.Name}";
                if (used.TryGetValue(key, out int n))
                {
                    used[key] = n + 1;
                    key = $"{key}_{n}";
                }
                else
                {
                    used[key] = 1;
                }
                keys.Add((o, m, key));
            }
        }
        MetricKeys = [.. keys];
    }

    /// <summary>One output with <paramref name="loss"/> (weight 1) and <paramref name="metrics"/>.</summary>
    public static CompiledOutputs Single(Loss loss, IReadOnlyList<Metric> metrics, string name = "output") =>
        new([name], [loss], [1.0], [metrics]);

    /// <summary>Output names, in the order of the model's outputs.</summary>
    public string[] Names { get; }

    /// <summary>Each output's loss, or null when the output is not trained.</summary>
    public Loss?[] Losses { get; }

    public double[] Weights { get; }

    public Metric[][] Metrics { get; }

    /// <summary>Every metric with the output it measures and its key in the logs.</summary>
    public (int Output, Metric Metric, string Key)[] MetricKeys { get; }

    /// <summary>"&lt;output&gt;_loss" per output (logged only when <see cref="LogsOutputLosses"/>).</summary>
    public string[] LossKeys { get; }

    public int Count => Names.Length;

    /// <summary>Number of outputs that have a loss.</summary>
    public int LossCount { get; }

    /// <summary>Whether each output's loss is logged on its own (several outputs have a loss, as in Keras).</summary>
    public bool LogsOutputLosses => LossCount > 1;

    /// <summary>Whether output <paramref name="o"/> needs a target (it has a loss or a metric).</summary>
    public bool NeedsTarget(int o) => Losses[o] is not null || Metrics[o].Length > 0;

    /// <summary>The weighted loss of the single output (the one-output fast path: no extra op at weight 1).</summary>
    public Tensor Compute(Tensor prediction, Tensor target)
    {
        var loss = Losses[0]!.Compute(prediction, target);
        return Weights[0] == 1 ? loss : Functional.Multiply(loss, (float)Weights[0]);
    }

    /// <summary>
    /// The total loss <c>Σ wᵢ·Lᵢ</c>; writes each output's unweighted loss to <paramref name="outputLosses"/> (NaN
    /// for an output without a loss).
    /// </summary>
    public Tensor Compute(IReadOnlyList<Tensor> predictions, IReadOnlyList<Tensor?> targets, Span<double> outputLosses)
    {
        Tensor? total = null;
        for (int o = 0; o < Names.Length; o++)
        {
            outputLosses[o] = double.NaN;
            if (Losses[o] is not { } loss)
                continue;
            var target = targets[o] ?? throw new FoveaException($"output '{Names[o]}' has a loss but no target");
            Tensor value;
            try
            {
                value = loss.Compute(predictions[o], target);
            }
            catch (FoveaException e)
            {
                throw new FoveaException($"output '{Names[o]}': {e.Message}", e);
            }
            outputLosses[o] = value.Item();
            var weighted = Weights[o] == 1 ? value : Functional.Multiply(value, (float)Weights[o]);
            total = total is null ? weighted : Functional.Add(total, weighted);
        }
        return total ?? throw new FoveaException("no output has a loss");
    }

    public void ResetMetrics()
    {
        foreach (var (_, m, _) in MetricKeys)
            m.Reset();
    }

    /// <summary>Updates the metrics of the single output.</summary>
    public void UpdateMetrics(Tensor prediction, Tensor target)
    {
        foreach (var m in Metrics[0])
            m.Update(prediction, target);
    }

    public void UpdateMetrics(IReadOnlyList<Tensor> predictions, IReadOnlyList<Tensor?> targets)
    {
        foreach (var (o, m, _) in MetricKeys)
        {
            try
            {
                m.Update(predictions[o], targets[o]!);
            }
            catch (FoveaException e)
            {
                throw new FoveaException($"output '{Names[o]}': {e.Message}", e);
            }
        }
    }
}
