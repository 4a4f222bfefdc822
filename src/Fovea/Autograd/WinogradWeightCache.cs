using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

/// <summary>
/// A convolution layer's Winograd-transformed weights (U = G w Gᵀ, 36·OC·C floats) for inference, rebuilt when the
/// kernel changes (<see cref="Tensor.Version"/>: training steps, loading, any writable access). With them at hand an
/// inference pass skips the weight transform, which at batch 1 costs as much as the convolution itself, and Winograd
/// pays from 16 tiles on (ResNet-18's 14×14 layers). Safe for concurrent inference calls: an entry is immutable and
/// replaced whole.
/// </summary>
internal sealed class WinogradWeightCache
{
    private Entry? _entry;

    private sealed record Entry(Tensor Source, int Version, float[] Weights);

    /// <summary>The transformed weights of <paramref name="weight"/> for the convolution <paramref name="g"/>.</summary>
    public ReadOnlySpan<float> Get(Tensor weight, in ConvGeometry g)
    {
        var entry = Volatile.Read(ref _entry);
        int length = Conv2DKernels.WinogradWeightsLength(g);
        if (entry is not null && ReferenceEquals(entry.Source, weight) && entry.Version == weight.Version
            && entry.Weights.Length == length)
            return entry.Weights;
        var u = new float[length];
        int version = weight.Version;
        Conv2DKernels.TransformWinogradWeights(weight.AsReadOnlySpan(), u, g);
        Volatile.Write(ref _entry, new Entry(weight, version, u));
        return u;
    }
}
