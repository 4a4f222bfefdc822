using Fovea.Tensors;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// The weights of a torchvision module tree under their <c>state_dict</c> names, in torchvision's order: every
/// detector part adds its tensors here so that <see cref="Load"/> maps a torchvision state dict one to one. BatchNorm
/// running statistics are non-trainable parameters; <c>num_batches_tracked</c> entries are accepted and ignored.
/// </summary>
internal sealed class TorchParameters(string owner, int seed)
{
    private readonly List<KeyValuePair<string, Parameter>> _entries = [];
    private readonly Random _random = new(seed);

    public IReadOnlyList<KeyValuePair<string, Parameter>> Entries => _entries;

    /// <summary>A convolution or linear weight [out, in, ...] initialised uniform in ±√(3/fan_in) (variance 1/fan_in),
    /// or a bias (zeros).</summary>
    public Parameter Weight(string name, params int[] shape)
    {
        var p = Add(name, shape, trainable: true);
        int fanIn = shape.Skip(1).Aggregate(1, (a, b) => a * b);
        double bound = Math.Sqrt(3.0 / fanIn);
        var s = p.AsSpan();
        for (int i = 0; i < s.Length; i++)
            s[i] = (float)((2 * _random.NextDouble() - 1) * bound);
        return p;
    }

    /// <summary>A bias [n], zeros.</summary>
    public Parameter Bias(string name, int n) => Add(name, [n], trainable: true);

    /// <summary>BatchNorm's four tensors at <paramref name="prefix"/> (weight 1, bias 0, running mean 0, variance 1).
    /// </summary>
    public BatchNormWeights BatchNorm(string prefix, int channels, float epsilon)
    {
        var gamma = Add(prefix + ".weight", [channels], trainable: true);
        gamma.AsSpan().Fill(1f);
        var beta = Add(prefix + ".bias", [channels], trainable: true);
        var mean = Add(prefix + ".running_mean", [channels], trainable: false);
        var variance = Add(prefix + ".running_var", [channels], trainable: false);
        variance.AsSpan().Fill(1f);
        return new BatchNormWeights(gamma, beta, mean, variance, epsilon);
    }

    /// <summary>Copies every entry from <paramref name="state"/>; names and shapes must match, and every name of
    /// <paramref name="state"/> not ending in <c>num_batches_tracked</c> must be one of ours.</summary>
    public void Load(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var (name, p) in _entries)
        {
            if (!state.TryGetValue(name, out var t))
                throw new FoveaException($"{owner}: the state dict has no '{name}'");
            if (t.Shape != p.Shape)
                throw new FoveaException($"{owner}: '{name}' is {t.Shape}, expected {p.Shape}");
            t.AsReadOnlySpan().CopyTo(p.AsSpan());
        }
        var known = _entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var extra = state.Keys.Where(k => !known.Contains(k) && !k.EndsWith(".num_batches_tracked",
            StringComparison.Ordinal)).ToList();
        if (extra.Count > 0)
            throw new FoveaException(
                $"{owner}: the state dict has {extra.Count} unexpected entries, e.g. '{extra[0]}'");
    }

    /// <summary>Registers a parameter created elsewhere (e.g. the FPN's) under <paramref name="name"/>.</summary>
    public void Register(string name, Parameter p) => _entries.Add(new(name, p));

    private Parameter Add(string name, int[] shape, bool trainable)
    {
        var p = new Parameter(name, new Shape(shape), trainable);
        _entries.Add(new(name, p));
        return p;
    }
}

/// <summary>BatchNorm in inference mode with loaded statistics: torchvision's <c>BatchNorm2d</c> in eval mode and
/// <c>FrozenBatchNorm2d</c> alike (both compute γ·(x − μ)/√(σ² + ε) + β).</summary>
internal sealed record BatchNormWeights(Parameter Gamma, Parameter Beta, Parameter Mean, Parameter Variance,
    float Epsilon)
{
    public Tensor Apply(Tensor x) =>
        Fovea.Autograd.Functional.BatchNorm(x, Gamma, Beta, Mean, Variance, training: false, epsilon: Epsilon);
}
