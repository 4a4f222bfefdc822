using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>
/// 3-D convolution over volumes or clips (Keras <c>Conv3D</c>), channels first: input [N, C, D, H, W] →
/// [N, filters, OD, OH, OW], per axis out = floor((in + before + after − dilation·(k − 1) − 1)/stride) + 1 (Same:
/// ceil(in/stride)); kernel [filters, C/groups, KD, KH, KW] (PyTorch's <c>Conv3d</c> layout). For video, D is time.
/// </summary>
/// <example><code>new Conv3D(32, 3, padding: Padding.Same, activation: Activations.Swish)</code></example>
[RegisterLayer]
public sealed class Conv3D(int filters, Size3 kernelSize, Size3? strides = null, Padding padding = default,
    Size3? dilationRate = null, int groups = 1, ActivationFunction? activation = null, bool useBias = true,
    Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
    string? name = null)
    : BaseConvNd(filters, kernelSize.ToArray(), (strides ?? 1).ToArray(), padding, (dilationRate ?? 1).ToArray(),
        groups, activation, useBias, kernelInitializer, biasInitializer, kernelRegularizer, name)
{
    /// <summary>Window (depth, height, width).</summary>
    public Size3 KernelSize => new(KernelSizes[0], KernelSizes[1], KernelSizes[2]);

    /// <summary>Steps (depth, height, width).</summary>
    public Size3 Strides => new(StrideSizes[0], StrideSizes[1], StrideSizes[2]);

    /// <summary>Dilations (depth, height, width).</summary>
    public Size3 DilationRate => new(DilationRates[0], DilationRates[1], DilationRates[2]);

    /// <summary>The layer described by <paramref name="c"/> (from <see cref="Layer.GetConfig"/>).</summary>
    public static Conv3D FromConfig(JsonObject c)
    {
        var a = ReadCommon(c);
        return LayerConfig.Common(new Conv3D(a.Filters, Triple(ReadInts(c["kernel_size"], 3, 1)),
            Triple(ReadInts(c["strides"], 3, 1)), a.Padding, Triple(ReadInts(c["dilation_rate"], 3, 1)), a.Groups,
            a.Activation, a.UseBias, a.KernelInit, a.BiasInit, a.Regularizer, LayerConfig.Name(c)), c);
    }

    private static Size3 Triple(int[] v) => new(v[0], v[1], v[2]);
}
