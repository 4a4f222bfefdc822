using Fovea.Training;

namespace Fovea.Models;

public partial class Model
{
    private CompiledOutputs? _compiled;

    /// <summary>
    /// The name of each input, in order: the names given to <c>Input.Create(shape, name)</c> ("input" for a model
    /// without symbolic inputs). Named data (<see cref="Data.Dataset(IReadOnlyDictionary{string, Tensors.Tensor},
    /// IReadOnlyDictionary{string, Tensors.Tensor})"/>) is matched to the inputs by these names.
    /// </summary>
    public IReadOnlyList<string> InputNames =>
        Inputs.Count == 0 ? ["input"] : Inputs.Select(i => i.Name ?? "input").ToArray();

    /// <summary>
    /// The name of each output, in order (Keras <c>output_names</c>): the name of the layer that produces it (the
    /// last layer's for a Sequential model); a name that repeats gets "_1", "_2", ... Losses, loss weights, metrics
    /// and targets given by name, and the logs ("&lt;output&gt;_loss", "&lt;output&gt;_&lt;metric&gt;"), use them.
    /// </summary>
    public IReadOnlyList<string> OutputNames
    {
        get
        {
            if (Outputs.Count == 0)
                return [Layers.Count > 0 && Layers[^1].Name is { } last ? last : Name ?? "output"];
            var names = new string[Outputs.Count];
            var used = new Dictionary<string, int>();
            for (int i = 0; i < names.Length; i++)
            {
                string name = Outputs[i].Layer?.Name ?? Outputs[i].Name ?? "output";
                if (used.TryGetValue(name, out int n))
                {
                    used[name] = n + 1;
                    name = $"{name}_{n}";
                }
                else
                {
                    used[name] = 1;
                }
                names[i] = name;
            }
            return names;
        }
    }

    /// <summary>Whether the model takes one input and gives one output (the plain <c>Call</c> path).</summary>
    private bool HasOneInputAndOutput => Inputs.Count <= 1 && Outputs.Count <= 1;

    /// <summary>
    /// Chooses how to train a model with several outputs, by position (Keras <c>compile(loss=[...],
    /// loss_weights=[...], metrics=[[...], ...])</c>): one loss per output (null: the output is not trained), the
    /// weight of each loss in the total <c>Σ wᵢ·Lᵢ</c> (default 1 each), and the metrics of each output.
    /// </summary>
    /// <exception cref="ArgumentException">A list does not have one entry per output, no output has a loss, a
    /// weight is negative or not finite, or a metric is given twice.</exception>
    public void Compile(Optimizer optimizer, IReadOnlyList<Loss?> losses, IReadOnlyList<double>? lossWeights = null,
        IReadOnlyList<IReadOnlyList<Metric>>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(losses);
        var names = OutputNames;
        CheckCount(nameof(losses), losses.Count, names);
        if (lossWeights is not null)
            CheckCount(nameof(lossWeights), lossWeights.Count, names);
        if (metrics is not null)
            CheckCount(nameof(metrics), metrics.Count, names);
        var weights = lossWeights ?? names.Select(_ => 1.0).ToArray();
        var perOutput = metrics ?? names.Select(_ => (IReadOnlyList<Metric>)System.Array.Empty<Metric>()).ToArray();
        SetCompiled(optimizer, null, new CompiledOutputs(names, losses, weights, perOutput));
    }

    /// <summary>
    /// Chooses how to train a model with several outputs, by output name (<see cref="OutputNames"/>; Keras
    /// <c>compile(loss={...}, loss_weights={...}, metrics={...})</c>): the outputs absent from
    /// <paramref name="losses"/> are not trained, absent weights are 1 and absent metrics are none.
    /// </summary>
    /// <exception cref="ArgumentException">A key is not an output name, no output has a loss, a weight is negative
    /// or not finite, or a metric is given twice.</exception>
    public void Compile(Optimizer optimizer, IReadOnlyDictionary<string, Loss> losses,
        IReadOnlyDictionary<string, double>? lossWeights = null,
        IReadOnlyDictionary<string, IReadOnlyList<Metric>>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(losses);
        var names = OutputNames;
        CheckKeys(nameof(losses), losses.Keys, names);
        if (lossWeights is not null)
            CheckKeys(nameof(lossWeights), lossWeights.Keys, names);
        if (metrics is not null)
            CheckKeys(nameof(metrics), metrics.Keys, names);
        var byPosition = names.Select(n => losses.TryGetValue(n, out var l) ? l : null).ToArray();
        var weights = names.Select(n => lossWeights is not null && lossWeights.TryGetValue(n, out double w) ? w : 1)
            .ToArray();
        var perOutput = names.Select(n => metrics is not null && metrics.TryGetValue(n, out var m) ? m : [])
            .ToArray();
        SetCompiled(optimizer, null, new CompiledOutputs(names, byPosition, weights, perOutput));
    }

    private void SetCompiled(Optimizer optimizer, Loss? loss, CompiledOutputs outputs)
    {
        if (outputs.LossCount == 0)
        {
            throw new ArgumentException(
                $"no output of model '{Name}' has a loss; give a loss to at least one of "
                + string.Join(", ", outputs.Names));
        }
        for (int o = 0; o < outputs.Count; o++)
        {
            double w = outputs.Weights[o];
            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentException(
                    $"the loss weight of output '{outputs.Names[o]}' must be finite and >= 0, received {w}");
            }
            var duplicate = outputs.Metrics[o].GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ArgumentException(outputs.Count == 1
                    ? $"metric '{duplicate.Key}' was given twice"
                    : $"metric '{duplicate.Key}' was given twice for output '{outputs.Names[o]}'");
            }
        }
        var all = outputs.Metrics.SelectMany(m => m).ToList();
        if (all.Distinct(ReferenceEqualityComparer.Instance).Count() != all.Count)
        {
            throw new ArgumentException(
                "the same Metric object was given for two outputs; give each output its own (Metrics.Accuracy makes a "
                + "new one each time)");
        }
        Optimizer = optimizer;
        Loss = loss;
        Metrics = all;
        _compiled = outputs;
        _trainer = null;
    }

    private void CheckCount(string argument, int count, IReadOnlyList<string> names)
    {
        if (count != names.Count)
        {
            throw new ArgumentException(
                $"{argument}: model '{Name}' has {names.Count} outputs ({string.Join(", ", names)}), received "
                + $"{count} entries; give one per output, in order");
        }
    }

    private void CheckKeys(string argument, IEnumerable<string> keys, IReadOnlyList<string> names)
    {
        foreach (string key in keys)
        {
            if (!names.Contains(key))
            {
                throw new ArgumentException(
                    $"{argument}: '{key}' is not an output of model '{Name}'; its outputs are "
                    + string.Join(", ", names));
            }
        }
    }
}
