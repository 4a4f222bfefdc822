using Fovea.Autograd;
using Fovea.Data;
using Fovea.Tensors;
using Fovea.Training;

namespace Fovea.Models;

/// <summary>Fit, Evaluate and Predict with several inputs and outputs, by position or by name.</summary>
public partial class Model
{
    /// <summary>
    /// Trains a model with several inputs or outputs on tensors given by position: <paramref name="x"/> holds one
    /// tensor [N, ...] per input (in the order of <see cref="Inputs"/>), <paramref name="y"/> one target per output
    /// (in the order of <see cref="Outputs"/>). The other arguments are those of
    /// <see cref="Fit(Dataset, int, int, Dataset?, double, IEnumerable{Callback}?, bool, int, int)"/>.
    /// </summary>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int epochs = 1, int batchSize = 32,
        Dataset? validationData = null, double validationSplit = 0, IEnumerable<Callback>? callbacks = null,
        bool shuffle = true, int verbose = 1, int initialEpoch = 0) =>
        Fit(new Dataset(x, y), epochs, batchSize, validationData, validationSplit, callbacks, shuffle, verbose,
            initialEpoch);

    /// <summary>
    /// Trains a model with several inputs or outputs on tensors given by name: the keys of <paramref name="x"/> are
    /// input names (<see cref="InputNames"/>), those of <paramref name="y"/> output names (<see cref="OutputNames"/>);
    /// an output compiled without loss or metrics needs no target.
    /// </summary>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int epochs = 1,
        int batchSize = 32, Dataset? validationData = null, double validationSplit = 0,
        IEnumerable<Callback>? callbacks = null, bool shuffle = true, int verbose = 1, int initialEpoch = 0) =>
        Fit(new Dataset(x, y), epochs, batchSize, validationData, validationSplit, callbacks, shuffle, verbose,
            initialEpoch);

    /// <summary>Total loss, each output's loss and metrics of the inputs <paramref name="x"/> against the targets
    /// <paramref name="y"/>, by position.</summary>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 128) =>
        Evaluate(new Dataset(x, y), batchSize);

    /// <summary>Total loss, each output's loss and metrics, with inputs and targets by name.</summary>
    public EvaluationResult Evaluate(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y,
        int batchSize = 128) =>
        Evaluate(new Dataset(x, y), batchSize);

    /// <summary>The output of a model with several inputs and one output, in inference mode, batch by batch.</summary>
    public Tensor Predict(IReadOnlyList<Tensor> inputs, int batchSize = 128)
    {
        if (OutputNames is { Count: > 1 } names)
        {
            throw new FoveaException(
                $"Predict: model '{Name}' has {names.Count} outputs ({string.Join(", ", names)}); call PredictAll");
        }
        return PredictAll(inputs, batchSize)[0];
    }

    /// <summary>
    /// Every output of the model for <paramref name="inputs"/> (one tensor [N, ...] per input, in order), in
    /// inference mode, batch by batch; the outputs come in the order of <see cref="Outputs"/>, each [N, ...].
    /// </summary>
    public Tensor[] PredictAll(IReadOnlyList<Tensor> inputs, int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(batchSize), $"batchSize must be positive, received {batchSize}");
        }
        var names = InputNames;
        if (inputs.Count != names.Count)
        {
            throw new FoveaException(
                $"PredictAll: model '{Name}' takes {Count(names.Count, "input")} ({string.Join(", ", names)}), "
                + $"received {inputs.Count}");
        }
        for (int i = 0; i < inputs.Count; i++)
        {
            var t = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"input '{names[i]}' is null");
            if (t.Rank == 0 || t.Shape[0] == 0)
            {
                throw new FoveaException(
                    $"PredictAll: expected input '{names[i]}' as a batch [N, ...] with N > 0, received {t.Shape}");
            }
            if (t.Shape[0] != inputs[0].Shape[0])
            {
                throw new FoveaException(
                    $"PredictAll: input '{names[i]}' {t.Shape} holds {t.Shape[0]} samples but input '{names[0]}' "
                    + $"{inputs[0].Shape} holds {inputs[0].Shape[0]}");
            }
        }
        using var _ = GradMode.NoGrad();
        int n = inputs[0].Shape[0];
        float[][]? results = null;
        Shape[] shapes = [];
        var slices = new Tensor[inputs.Count];
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            using var scope = TensorScope.Begin();
            for (int i = 0; i < slices.Length; i++)
                slices[i] = inputs[i].SliceRows(start, count);
            var outputs = Run(slices, training: false);
            if (results is null)
            {
                shapes = outputs.Select(y => y.Shape.With(0, n)).ToArray();
                results = shapes.Select(s => new float[s.Length]).ToArray();
            }
            for (int o = 0; o < outputs.Length; o++)
            {
                int row = outputs[o].Length / count;
                outputs[o].AsReadOnlySpan().CopyTo(results[o].AsSpan(start * row, count * row));
            }
        }
        return results!.Select((r, o) => Tensor.Wrap(r, shapes[o])).ToArray();
    }

    /// <summary>Every output by name (<see cref="OutputNames"/>) for inputs given by name
    /// (<see cref="InputNames"/>).</summary>
    public IReadOnlyDictionary<string, Tensor> PredictAll(IReadOnlyDictionary<string, Tensor> inputs,
        int batchSize = 128)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var keys = inputs.Keys.ToArray();
        var order = ResolveInputs(keys, keys.Length, "PredictAll");
        var outputs = PredictAll(order.Select(i => inputs[keys[i]]).ToArray(), batchSize);
        var names = OutputNames;
        return names.Select((name, o) => (name, outputs[o])).ToDictionary(p => p.name, p => p.Item2);
    }

    /// <summary>Where each model input and each output's target is in a dataset.</summary>
    /// <param name="InputOrder">For model input i, the index of its tensor in <see cref="Dataset.Inputs"/>.</param>
    /// <param name="TargetOrder">For output o, the index of its target in <see cref="Dataset.Targets"/>, or -1.</param>
    private sealed record BatchPlan(int[] InputOrder, int[] TargetOrder);

    /// <summary>
    /// Matches <paramref name="data"/> to the model's inputs and outputs (by name when the data is named) and checks
    /// counts and sample shapes; null when both have exactly one input and one target (the plain path).
    /// </summary>
    private BatchPlan? PlanBatches(Dataset data, string what)
    {
        if (HasOneInputAndOutput && data.IsPlain)
            return null;
        var inputs = ResolveInputs(data.InputNames, data.Inputs.Count, what);
        var targets = ResolveTargets(data, what);
        var names = InputNames;
        for (int i = 0; i < inputs.Length; i++)
        {
            var sample = data.Inputs[inputs[i]].Shape.WithoutBatch();
            if (Inputs.Count == 0)
            {
                EnsureBuilt(sample);
                continue;
            }
            if (sample != Inputs[i].Shape)
            {
                throw new FoveaException(
                    $"{what}: input '{names[i]}' of model '{Name}' expects samples of shape {Inputs[i].Shape}, "
                    + $"the data's {DataLabel(data.InputNames, inputs[i], "input")} has {sample}");
            }
        }
        return new BatchPlan(inputs, targets);
    }

    /// <summary>For each model input, the index of its tensor among the data's (names or positions).</summary>
    private int[] ResolveInputs(IReadOnlyList<string>? dataNames, int dataCount, string what)
    {
        var names = InputNames;
        if (dataNames is null)
        {
            if (dataCount != names.Count)
            {
                throw new FoveaException(
                    $"{what}: model '{Name}' takes {Count(names.Count, "input")} ({string.Join(", ", names)}), "
                    + $"the data has {dataCount}");
            }
            return Enumerable.Range(0, names.Count).ToArray();
        }
        var repeated = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new FoveaException(
                $"{what}: model '{Name}' has several inputs named '{repeated.Key}', so named data cannot be matched; "
                + "name them with Input.Create(shape, name), or pass the inputs by position");
        }
        foreach (string name in dataNames)
        {
            if (!names.Contains(name))
            {
                throw new FoveaException(
                    $"{what}: the data's input '{name}' is not an input of model '{Name}'; its inputs are "
                    + string.Join(", ", names));
            }
        }
        return names.Select(n => IndexOf(dataNames, n) is >= 0 and var k ? k
            : throw new FoveaException(
                $"{what}: the data has no input '{n}' for model '{Name}'; the data's inputs are "
                + string.Join(", ", dataNames))).ToArray();
    }

    /// <summary>For each output, the index of its target among the data's, or -1 when it needs none.</summary>
    private int[] ResolveTargets(Dataset data, string what)
    {
        var names = OutputNames;
        if (data.TargetNames is not { } dataNames)
        {
            if (data.Targets.Count != names.Count)
            {
                throw new FoveaException(
                    $"{what}: model '{Name}' has {Count(names.Count, "output")} ({string.Join(", ", names)}), the "
                    + $"data has {Count(data.Targets.Count, "target")}");
            }
            return Enumerable.Range(0, names.Count).ToArray();
        }
        foreach (string name in dataNames)
        {
            if (!names.Contains(name))
            {
                throw new FoveaException(
                    $"{what}: the data's target '{name}' is not an output of model '{Name}'; its outputs are "
                    + string.Join(", ", names));
            }
        }
        var order = new int[names.Count];
        for (int o = 0; o < order.Length; o++)
        {
            order[o] = IndexOf(dataNames, names[o]);
            if (order[o] < 0 && _compiled!.NeedsTarget(o))
            {
                throw new FoveaException(
                    $"{what}: no target for output '{names[o]}' of model '{Name}', which has a loss or metrics; the "
                    + $"data's targets are {string.Join(", ", dataNames)}");
            }
        }
        return order;
    }

    /// <summary>The loader's batches as the training loops take them: inputs in model order, a target per output.
    /// </summary>
    private static IEnumerable<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor?> Targets)> Batches(
        DataLoader loader, BatchPlan? plan) =>
        plan is null ? Trainer.Single(loader) : Planned(loader, plan);

    private static IEnumerable<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<Tensor?> Targets)> Planned(
        DataLoader loader, BatchPlan plan)
    {
        var inputs = new Tensor[plan.InputOrder.Length];
        var targets = new Tensor?[plan.TargetOrder.Length];
        using var batches = loader.GetEnumerator();
        while (batches.MoveNext())
        {
            for (int i = 0; i < inputs.Length; i++)
                inputs[i] = batches.Inputs[plan.InputOrder[i]];
            for (int o = 0; o < targets.Length; o++)
                targets[o] = plan.TargetOrder[o] < 0 ? null : batches.Targets[plan.TargetOrder[o]];
            yield return (inputs, targets);
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
                return i;
        }
        return -1;
    }

    private static string DataLabel(IReadOnlyList<string>? names, int index, string kind) =>
        names is null ? $"{kind} {index}" : $"{kind} '{names[index]}'";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
