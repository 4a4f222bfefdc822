using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using static Fovea.Autograd.Functional;

namespace Fovea.Vision.Ops;

/// <summary>
/// Feature Pyramid Network (Lin et al. 2017) as <c>torchvision.ops.FeaturePyramidNetwork</c>: for level i a 1×1
/// convolution (inner block) maps the backbone's C_i channels to <see cref="OutChannels"/>; from the coarsest level
/// down, the running top-down map is upsampled (nearest, to the lateral map's size, PyTorch's index ⌊o·in/out⌋) and
/// added to the lateral; a 3×3 convolution (layer block, padding 1) smooths each sum. With
/// <see cref="ExtraMaxPool"/> (torchvision's <c>LastLevelMaxPool</c>) a last output is the coarsest result
/// max-pooled with kernel 1, stride 2. Built from <see cref="Fovea.Layers.Conv2D"/> layers whose weights carry
/// torchvision's state-dict names (<c>inner_blocks.{i}.0.weight</c>, <c>.bias</c>,
/// <c>layer_blocks.{i}.0.weight</c>, <c>.bias</c>), so <see cref="LoadStateDict"/> maps a torchvision state dict
/// one to one.
/// Shape: features [N, C_i, H_i, W_i], finest first → outputs [N, OutChannels, H_i, W_i] (and the pooled level).
/// </summary>
public sealed class FeaturePyramidNetwork
{
    private readonly Conv2D[] _inner;
    private readonly Conv2D[] _layer;

    /// <param name="inChannels">Channels of each backbone level, finest first.</param>
    /// <param name="outChannels">Channels of every output.</param>
    /// <param name="extraMaxPool">Append torchvision's LastLevelMaxPool output ("pool").</param>
    public FeaturePyramidNetwork(IReadOnlyList<int> inChannels, int outChannels, bool extraMaxPool = true)
    {
        if (inChannels.Count == 0 || inChannels.Any(c => c <= 0) || outChannels <= 0)
            throw new FoveaException($"FeaturePyramidNetwork: expected positive channel counts, received in " +
                $"[{string.Join(", ", inChannels)}], out {outChannels}");
        InChannels = inChannels;
        OutChannels = outChannels;
        ExtraMaxPool = extraMaxPool;
        _inner = new Conv2D[inChannels.Count];
        _layer = new Conv2D[inChannels.Count];
        using var _ = GradMode.NoGrad();
        for (int i = 0; i < inChannels.Count; i++)
        {
            _inner[i] = new Conv2D(outChannels, 1, name: $"inner_blocks.{i}.0");
            _layer[i] = new Conv2D(outChannels, 3, padding: Padding.Same, name: $"layer_blocks.{i}.0");
            _inner[i].Call(Tensor.Zeros([1, inChannels[i], 1, 1]), training: false);
            _layer[i].Call(Tensor.Zeros([1, outChannels, 1, 1]), training: false);
        }
    }

    /// <summary>Channels of each input level.</summary>
    public IReadOnlyList<int> InChannels { get; }

    /// <summary>Channels of every output.</summary>
    public int OutChannels { get; }

    /// <summary>Whether a max-pooled extra level is appended.</summary>
    public bool ExtraMaxPool { get; }

    /// <summary>The convolutions, inner blocks then layer blocks (for an optimizer or freezing).</summary>
    public IReadOnlyList<Conv2D> Layers => [.. _inner, .. _layer];

    /// <summary>Every weight under its torchvision state-dict name, in torchvision's order.</summary>
    public IReadOnlyList<KeyValuePair<string, Parameter>> StateDict()
    {
        var d = new List<KeyValuePair<string, Parameter>>();
        foreach (var (prefix, convs) in new[] { ("inner_blocks", _inner), ("layer_blocks", _layer) })
        {
            for (int i = 0; i < convs.Length; i++)
            {
                d.Add(new($"{prefix}.{i}.0.weight", convs[i].Kernel));
                d.Add(new($"{prefix}.{i}.0.bias", convs[i].Bias!));
            }
        }
        return d;
    }

    /// <summary>Copies a torchvision state dict (names as <see cref="StateDict"/>) into the weights; every name must
    /// be present with its shape.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state)
    {
        foreach (var (name, p) in StateDict())
        {
            if (!state.TryGetValue(name, out var t))
                throw new FoveaException($"FeaturePyramidNetwork: the state dict has no '{name}'");
            if (t.Shape != p.Shape)
                throw new FoveaException($"FeaturePyramidNetwork: '{name}' is {t.Shape}, expected {p.Shape}");
            t.AsReadOnlySpan().CopyTo(p.AsSpan());
        }
    }

    /// <summary>The pyramid of <paramref name="features"/> (finest first): one output per input level, plus the
    /// pooled level when <see cref="ExtraMaxPool"/>.</summary>
    public IReadOnlyList<Tensor> Call(IReadOnlyList<Tensor> features, bool training = false)
    {
        if (features.Count != InChannels.Count)
            throw new FoveaException($"FeaturePyramidNetwork: expected {InChannels.Count} feature maps, received " +
                $"{features.Count}");
        for (int i = 0; i < features.Count; i++)
        {
            var f = features[i];
            if (f.Rank != 4 || f.Shape[1] != InChannels[i])
                throw new FoveaException($"FeaturePyramidNetwork: expected level {i} as [N, {InChannels[i]}, H, W], " +
                    $"received {f.Shape}");
        }
        int last = features.Count - 1;
        var inner = _inner[last].Call(features[last], training);
        var results = new Tensor[features.Count];
        results[last] = _layer[last].Call(inner, training);
        for (int i = last - 1; i >= 0; i--)
        {
            var lateral = _inner[i].Call(features[i], training);
            inner = Add(lateral, Nearest(inner, lateral.Shape[2], lateral.Shape[3]));
            results[i] = _layer[i].Call(inner, training);
        }
        if (!ExtraMaxPool)
            return results;
        return [.. results, MaxPool2D(results[last], 1, 2)];
    }

    /// <summary>PyTorch's nearest resize: source index min(⌊o·(in/out)⌋, in − 1), the ratio in float32.</summary>
    private static Tensor Nearest(Tensor x, int h, int w)
    {
        var y = x.Shape[2] == h ? x : Gather(x, 2, Indices(x.Shape[2], h), [h]);
        return x.Shape[3] == w ? y : Gather(y, 3, Indices(x.Shape[3], w), [w]);
    }

    private static int[] Indices(int input, int output)
    {
        float scale = (float)input / output;
        var idx = new int[output];
        for (int o = 0; o < output; o++)
            idx[o] = Math.Min((int)MathF.Floor(o * scale), input - 1);
        return idx;
    }
}
