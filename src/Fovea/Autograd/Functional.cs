using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

/// <summary>
/// Every differentiable op, one method each (PyTorch's <c>torch.nn.functional</c>). Inputs are never modified or
/// disposed; each op returns a new tensor (Reshape and Flatten return views). Layers call these; these call kernels.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation). x [N, C, H, W], weight [OC, C/groups, KH, KW], bias [OC] →
    /// [N, OC, OH, OW] with OH = floor((H + padTop + padBottom − dilation·(KH − 1) − 1)/stride) + 1.
    /// </summary>
    public static Tensor Conv2D(Tensor x, Tensor weight, Tensor? bias = null, Size2? strides = null,
        Padding padding = default, Size2? dilation = null, int groups = 1)
    {
        var s = strides ?? 1;
        var d = dilation ?? 1;
        CheckConvInputs(x, weight, bias, groups);
        var pads = padding.Resolve(x.Shape[2], x.Shape[3], (weight.Shape[2], weight.Shape[3]), s, d);
        return Conv2D(x, weight, bias, s, pads, d, groups);
    }

    /// <summary>2-D convolution with explicit padding (top, left, bottom, right), as ONNX specifies it.</summary>
    public static Tensor Conv2D(Tensor x, Tensor weight, Tensor? bias, Size2 strides,
        (int Top, int Left, int Bottom, int Right) pads, Size2 dilation, int groups)
    {
        CheckConvInputs(x, weight, bias, groups);
        var g = new ConvGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], weight.Shape[0], weight.Shape[2],
            weight.Shape[3], strides.Height, strides.Width, pads.Top, pads.Left, pads.Bottom, pads.Right,
            dilation.Height, dilation.Width, groups);
        return Conv2DFunction.Apply(x, weight, bias, g);
    }

    private static void CheckConvInputs(Tensor x, Tensor weight, Tensor? bias, int groups)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"Conv2D: expected input [N, C, H, W], received {x.Shape}");
        if (weight.Rank != 4)
            throw new ArgumentException($"Conv2D: expected weight [OC, C/groups, KH, KW], received {weight.Shape}");
        if (groups <= 0 || x.Shape[1] != weight.Shape[1] * groups)
            throw new ArgumentException(
                $"Conv2D: input has {x.Shape[1]} channels but weight {weight.Shape} with groups={groups} expects {weight.Shape[1] * groups}");
        if (bias is not null && (bias.Rank != 1 || bias.Length != weight.Shape[0]))
            throw new ArgumentException($"Conv2D: bias must be [{weight.Shape[0]}], received {bias.Shape}");
    }

    /// <summary>Max pooling over [N, C, H, W]; strides default to the pool size (Keras).</summary>
    public static Tensor MaxPool2D(Tensor x, Size2 poolSize, Size2? strides = null, Padding padding = default) =>
        MaxPool2DFunction.Apply(x, PoolGeometryOf(x, poolSize, strides ?? poolSize, padding, "MaxPool2D"));

    /// <summary>Average pooling over [N, C, H, W]; padded cells are not counted (Keras).</summary>
    public static Tensor AvgPool2D(Tensor x, Size2 poolSize, Size2? strides = null, Padding padding = default) =>
        AvgPool2DFunction.Apply(x, PoolGeometryOf(x, poolSize, strides ?? poolSize, padding, "AvgPool2D"));

    /// <summary>Mean over the spatial axes: [N, C, ...] → [N, C].</summary>
    public static Tensor GlobalAvgPool(Tensor x) => GlobalAvgPoolFunction.Apply(x);

    /// <summary>Adaptive average pooling [N, C, H, W] → [N, C, OH, OW] (PyTorch <c>adaptive_avg_pool2d</c>): output
    /// row i averages input rows ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉ − 1, columns likewise.</summary>
    public static Tensor AdaptiveAvgPool2D(Tensor x, Size2 outputSize) =>
        AdaptiveAvgPool2DFunction.Apply(x, outputSize.Height, outputSize.Width);

    private static PoolGeometry PoolGeometryOf(Tensor x, Size2 pool, Size2 strides, Padding padding, string op)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"{op}: expected input [N, C, H, W], received {x.Shape}");
        var (top, left, bottom, right) = padding.Resolve(x.Shape[2], x.Shape[3], pool, strides, 1);
        return new PoolGeometry(x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], pool.Height, pool.Width,
            strides.Height, strides.Width, top, left, bottom, right);
    }

    /// <summary>
    /// Batch normalisation over axis 1 of x [N, C, ...]. Training mode uses batch statistics and updates the running
    /// ones in place (running = momentum·running + (1 − momentum)·batch, Keras convention, unbiased running variance);
    /// inference mode uses the running statistics.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        bool training, float momentum = 0.99f, float epsilon = 1e-3f)
    {
        CheckBatchNormInputs(x, gamma, beta, runningMean, runningVariance);
        return BatchNormFunction.Apply(x, gamma, beta, runningMean, runningVariance, training, momentum, epsilon);
    }

    private static void CheckBatchNormInputs(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance)
    {
        if (x.Rank < 2 || gamma.Length != x.Shape[1] || beta.Length != x.Shape[1] ||
            runningMean.Length != x.Shape[1] || runningVariance.Length != x.Shape[1])
            throw new ArgumentException(
                $"BatchNorm: input {x.Shape} needs γ, β and running statistics of length {(x.Rank < 2 ? 0 : x.Shape[1])}, received {gamma.Shape}");
    }

    /// <summary>
    /// <see cref="BatchNorm"/> followed by an activation, as one fused op (ReLU, LeakyReLU and SiLU; others run the two
    /// ops apart). Same results and running-statistics updates as the two ops.
    /// </summary>
    internal static Tensor BatchNormActivation(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVariance,
        bool training, float momentum, float epsilon, ActivationKind kind, float alpha)
    {
        if (!BatchNormActivationFunction.Supports(kind))
        {
            var y = BatchNorm(x, gamma, beta, runningMean, runningVariance, training, momentum, epsilon);
            return PointwiseActivationFunction.Apply(y, kind, alpha);
        }
        CheckBatchNormInputs(x, gamma, beta, runningMean, runningVariance);
        return BatchNormActivationFunction.Apply(x, gamma, beta, runningMean, runningVariance, training, momentum, epsilon, kind, alpha);
    }

    /// <summary>Fully connected layer: x [..., in] · weightᵀ + bias with weight [out, in] (PyTorch layout).</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        if (weight.Rank != 2 || x.Rank < 1 || x.Shape[-1] != weight.Shape[1])
            throw new ArgumentException($"Linear: input {x.Shape} does not end in {(weight.Rank == 2 ? weight.Shape[1] : -1)} features of weight {weight.Shape}");
        if (bias is not null && bias.Length != weight.Shape[0])
            throw new ArgumentException($"Linear: bias must be [{weight.Shape[0]}], received {bias.Shape}");
        return LinearFunction.Apply(x, weight, bias);
    }

    /// <summary>Matrix product of [m, k] and [k, n].</summary>
    public static Tensor MatMul(Tensor a, Tensor b) => MatMulFunction.Apply(a, b);

    /// <summary>
    /// Stochastic depth (DropPath): in training, zeroes each sample's whole tensor with probability
    /// <paramref name="rate"/> and scales kept samples by 1/(1 − rate); the identity otherwise. Used on residual branches.
    /// </summary>
    public static Tensor DropPath(Tensor x, float rate, bool training, Rng rng)
    {
        if (rate < 0 || rate >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), $"drop-path rate must be in [0, 1), received {rate}");
        if (x.Rank == 0)
            throw new ArgumentException($"DropPath: expected a batch [N, ...], received {x.Shape}");
        return training && rate > 0 ? DropPathFunction.Apply(x, rate, rng) : x;
    }

    /// <summary>
    /// Stochastic depth as torchvision's <c>ops.stochastic_depth</c>: in training, <see cref="StochasticDepthMode.Row"/>
    /// zeroes each sample with probability <paramref name="rate"/> (as <see cref="DropPath"/>),
    /// <see cref="StochasticDepthMode.Batch"/> zeroes the whole batch with that probability; what is kept is scaled by
    /// 1/(1 − rate). The identity otherwise.
    /// </summary>
    public static Tensor StochasticDepth(Tensor x, float rate, StochasticDepthMode mode, bool training, Rng rng)
    {
        if (mode == StochasticDepthMode.Row)
            return DropPath(x, rate, training, rng);
        if (mode != StochasticDepthMode.Batch)
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "StochasticDepth: mode");
        if (rate < 0 || rate >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate),
                $"stochastic depth rate must be in [0, 1), received {rate}");
        if (x.Rank == 0)
            throw new ArgumentException($"StochasticDepth: expected a batch [N, ...], received {x.Shape}");
        return training && rate > 0 ? DropPathFunction.Apply(x, rate, rng, perSample: false) : x;
    }

    /// <summary>
    /// Inverted dropout: zeroes each element with probability <paramref name="rate"/> and scales the rest by
    /// 1/(1 − rate) when <paramref name="training"/>; the identity otherwise.
    /// </summary>
    public static Tensor Dropout(Tensor x, float rate, bool training, Rng rng)
    {
        if (rate < 0 || rate >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), $"dropout rate must be in [0, 1), received {rate}");
        return training && rate > 0 ? DropoutFunction.Apply(x, rate, rng) : x;
    }
}
