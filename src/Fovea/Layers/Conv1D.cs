using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>
/// 1-D convolution over sequences (Keras <c>Conv1D</c>), channels first: input [N, C, L] → [N, filters, OL] with
/// OL = floor((L + before + after − dilationRate·(kernelSize − 1) − 1)/strides) + 1; kernel
/// [filters, C/groups, kernelSize] (PyTorch's <c>Conv1d</c> layout). Padding: Valid (default), Same
/// (OL = ceil(L/strides)), Causal (dilationRate·(kernelSize − 1) zeros before the sequence: output t depends on
/// inputs ≤ t only, as in WaveNet), or explicit (left, right) amounts.
/// </summary>
/// <example><code>
/// new Conv1D(64, 3, padding: Padding.Causal, dilationRate: 2, activation: Activations.Relu)
/// </code></example>
[RegisterLayer]
public sealed class Conv1D(int filters, int kernelSize, int strides = 1, Padding padding = default,
    int dilationRate = 1, int groups = 1, ActivationFunction? activation = null, bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
    string? name = null)
    : BaseConvNd(filters, [kernelSize], [strides], padding, [dilationRate], groups, activation, useBias,
        kernelInitializer, biasInitializer, kernelRegularizer, name)
{
    /// <summary>Window length.</summary>
    public int KernelSize => KernelSizes[0];

    /// <summary>Step between windows.</summary>
    public int Strides => StrideSizes[0];

    /// <summary>Spacing of the kernel taps.</summary>
    public int DilationRate => DilationRates[0];

    /// <summary>The layer described by <paramref name="c"/> (from <see cref="Layer.GetConfig"/>).</summary>
    public static Conv1D FromConfig(JsonObject c)
    {
        var a = ReadCommon(c);
        return LayerConfig.Common(new Conv1D(a.Filters, ReadInts(c["kernel_size"], 1, 1)[0],
            ReadInts(c["strides"], 1, 1)[0], a.Padding, ReadInts(c["dilation_rate"], 1, 1)[0], a.Groups, a.Activation,
            a.UseBias, a.KernelInit, a.BiasInit, a.Regularizer, LayerConfig.Name(c)), c);
    }
}
