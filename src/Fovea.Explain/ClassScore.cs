using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// The class scores a method explains: the logits (pre-softmax) of a model. A model whose last layer is a softmax
/// (a <see cref="Softmax"/> layer, an <see cref="Activation"/> of softmax, or a <see cref="Dense"/> with a softmax
/// activation, as the reference CNN ends) is explained through the scores before that softmax: the output of the
/// layer before it, or the Dense layer's affine part recomputed from its input (the layer before it in execution
/// order). Everything here runs batch by batch; gradients are the vector-Jacobian products of one logit per sample.
/// </summary>
internal sealed class ClassScore
{
    private readonly Model _model;
    private readonly string? _logitLayer;   // a layer whose output holds the logits (before a softmax layer)
    private readonly Dense? _softmaxDense;  // a final Dense(softmax): logits = Linear(input of it)
    private readonly string? _denseInput;

    public ClassScore(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        var layers = model.Layers;
        if (layers.Count < 2)
            return;
        var last = layers[^1];
        bool softmaxLayer = last is Softmax || (last is Activation a && a.Function.Name == "softmax");
        if (softmaxLayer)
            _logitLayer = layers[^2].Name;
        else if (last is Dense { Activation.Name: "softmax" } d)
        {
            _softmaxDense = d;
            _denseInput = layers[^2].Name;
        }
    }

    public Model Model => _model;

    /// <summary>Layer names a run must keep to compute the logits.</summary>
    public IEnumerable<string> Needed =>
        _logitLayer is not null ? [_logitLayer] : _denseInput is not null ? [_denseInput] : [];

    /// <summary>The logits [N, K] of a captured run.</summary>
    public Tensor Logits(CapturedRun run)
    {
        if (_logitLayer is not null)
            return run[_logitLayer];
        if (_softmaxDense is not null)
        {
            var features = run[_denseInput!];
            if (features.Rank != 2 || features.Shape[1] != _softmaxDense.Kernel.Shape[1])
            {
                throw new FoveaException($"model '{_model.Name}' ends in Dense '{_softmaxDense.Name}' with a " +
                    $"softmax; its logits are recomputed from the layer before it, '{_denseInput}', whose output " +
                    $"{features.Shape} is not its input [N, {_softmaxDense.Kernel.Shape[1]}]: give the model a " +
                    "linear last layer");
            }
            return Functional.Linear(features, _softmaxDense.Kernel, _softmaxDense.Bias);
        }
        return run.Output;
    }

    /// <summary>The target logits of every sample of <paramref name="x"/>, without gradients, in batches.</summary>
    public float[] Scores(Tensor x, int target, int batchSize) => Scores(x, target, batchSize, softmax: false);

    /// <summary>The softmax probability of the target class for every sample of <paramref name="x"/>.</summary>
    public float[] Probabilities(Tensor x, int target, int batchSize) => Scores(x, target, batchSize, softmax: true);

    private float[] Scores(Tensor x, int target, int batchSize, bool softmax)
    {
        int n = x.Shape[0];
        var result = new float[n];
        int sample = x.Length / n;
        for (int start = 0; start < n; start += batchSize)
        {
            int b = Math.Min(batchSize, n - start);
            using var scope = TensorScope.Begin();
            using var noGrad = GradMode.NoGrad();
            var chunk = b == n ? x   // one batch: no copy
                : Tensor.FromArray(x.AsReadOnlySpan().Slice(start * sample, b * sample), x.Shape.With(0, b));
            var logits = Logits(_model.Capture(chunk, Needed, training: false, gradients: false));
            CheckTarget(logits, target);
            int k = logits.Shape[1];
            var span = logits.AsReadOnlySpan();
            for (int i = 0; i < b; i++)
            {
                var row = span.Slice(i * k, k);
                if (!softmax)
                {
                    result[start + i] = row[target];
                    continue;
                }
                float max = System.Numerics.Tensors.TensorPrimitives.Max(row);
                double sum = 0;
                foreach (float v in row)
                    sum += Math.Exp(v - max);
                result[start + i] = (float)(Math.Exp(row[target] - max) / sum);
            }
        }
        return result;
    }

    /// <summary>
    /// One forward and one backward pass of <paramref name="x"/> (a batch the caller sized): the target logits, their
    /// gradient with respect to the input and, when <paramref name="layer"/> is given, that layer's output and its
    /// gradient. <paramref name="hook"/> is registered on every output of <paramref name="hookLayers"/>. Without
    /// <paramref name="inputGradient"/> (a layer must be given then) the backward pass stops at the layer and
    /// <see cref="Gradient.Input"/> is empty.
    /// </summary>
    public Gradient Backward(Tensor x, int target, string? layer = null,
        IReadOnlyList<string>? hookLayers = null, Func<Tensor, Tensor?>? hook = null, bool inputGradient = true)
    {
        using var scope = TensorScope.Begin();
        var names = new List<string>(Needed);
        if (layer is not null)
            names.Add(layer);
        if (hookLayers is not null)
            names.AddRange(hookLayers);
        var run = _model.Capture(x, names, training: false, gradients: true);
        var handles = new List<IDisposable>();
        if (hookLayers is not null && hook is not null)
        {
            foreach (string name in hookLayers)
            {
                foreach (var t in run.Calls(name).Where(t => t.RequiresGrad))
                    handles.Add(t.RegisterHook(hook));
            }
        }
        try
        {
            var logits = Logits(run);
            CheckTarget(logits, target);
            int n = logits.Shape[0], k = logits.Shape[1];
            var seed = Tensor.Zeros(logits.Shape);
            var seedSpan = seed.AsSpan();
            var scores = new float[n];
            var ls = logits.AsReadOnlySpan();
            for (int i = 0; i < n; i++)
            {
                seedSpan[i * k + target] = 1f;
                scores[i] = ls[i * k + target];
            }
            if (layer is null || !inputGradient)
            {
                var only = layer is null ? run.Inputs[0] : run[layer];
                var grad = Gradients.Compute([logits], [only], [seed], allowUnused: true)[0];
                if (layer is null)
                    return new Gradient(scores, grad?.ToArray() ?? new float[x.Length], null, null, default);
                return new Gradient(scores, [], only.ToArray(), grad?.ToArray() ?? new float[only.Length], only.Shape);
            }
            var a = run[layer];
            var grads = Gradients.Compute([logits], [run.Inputs[0], a], [seed], allowUnused: true);
            float[] dx = grads[0]?.ToArray() ?? new float[x.Length];
            return new Gradient(scores, dx, a.ToArray(), grads[1]?.ToArray() ?? new float[a.Length], a.Shape);
        }
        finally
        {
            foreach (var h in handles)
                h.Dispose();
        }
    }

    private void CheckTarget(Tensor logits, int target)
    {
        if (logits.Rank != 2)
            throw new FoveaException(
                $"model '{_model.Name}': expected class scores [N, K], received an output of shape {logits.Shape}");
        if (target < 0 || target >= logits.Shape[1])
            throw new FoveaException(
                $"model '{_model.Name}': target class {target} is out of range; the model has " +
                $"{logits.Shape[1]} classes");
    }

    /// <summary>The result of <see cref="Backward"/>: target logits [N], d logit / d input (the input's shape) and,
    /// for a layer, its output and d logit / d output (shape <paramref name="LayerShape"/>).</summary>
    public readonly record struct Gradient(float[] Scores, float[] Input, float[]? Layer, float[]? LayerGrad,
        Shape LayerShape);
}
