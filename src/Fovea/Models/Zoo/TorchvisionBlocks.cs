using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>
/// The building blocks torchvision's mobile and efficient networks share, as Fovea layers named by torchvision's
/// module paths: <c>Conv2dNormActivation</c> (convolution without bias, BatchNorm, optional activation, at
/// <c>prefix.0</c>, <c>prefix.1</c>) and <c>torchvision.ops.SqueezeExcitation</c> (<c>prefix.fc1</c>,
/// <c>prefix.fc2</c>).
/// </summary>
internal static class TorchvisionBlocks
{
    /// <summary>torchvision's <c>_make_divisible</c>: <paramref name="value"/> rounded to a multiple of
    /// <paramref name="divisor"/>, at least <paramref name="minValue"/>, never more than 10% below.</summary>
    public static int MakeDivisible(double value, int divisor = 8, int? minValue = null)
    {
        int min = minValue ?? divisor;
        int rounded = Math.Max(min, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    /// <summary>BatchNorm settings in torchvision's terms (ε, PyTorch momentum).</summary>
    public readonly record struct Norm(float Epsilon, float TorchMomentum)
    {
        public BatchNormalization Create(string name) =>
            new(momentum: 1f - TorchMomentum, epsilon: Epsilon, name: name);
    }

    /// <summary>Conv2dNormActivation: k×k convolution (padding (k − 1)/2·dilation, no bias), BatchNorm and
    /// <paramref name="activation"/> (none when null).</summary>
    public static SymbolicTensor ConvNormActivation(SymbolicTensor x, int filters, int kernel, int stride, int groups,
        ActivationFunction? activation, Norm norm, string prefix, int dilation = 1)
    {
        var y = new Conv2D(filters, kernel, stride, Padding.Explicit((kernel - 1) / 2 * dilation), dilation, groups,
            useBias: false, kernelInitializer: Initializers.HeNormal, name: prefix + ".0").Call(x);
        y = norm.Create(prefix + ".1").Call(y);
        return activation is null ? y : new Activation(activation, name: prefix + ".2").Call(y);
    }

    /// <summary>
    /// torchvision.ops.SqueezeExcitation: global average pooling, 1×1 convolution to <paramref name="squeeze"/>
    /// channels (<c>fc1</c>, with bias), <paramref name="activation"/>, 1×1 convolution back (<c>fc2</c>),
    /// <paramref name="scaleActivation"/>, and the input multiplied by the result per channel.
    /// </summary>
    public static SymbolicTensor SqueezeExcitation(SymbolicTensor x, int channels, int squeeze,
        ActivationFunction activation, ActivationFunction scaleActivation, string prefix)
    {
        var s = new GlobalAveragePooling2D(name: prefix + ".avgpool").Call(x);
        s = new Reshape([channels, 1, 1], name: prefix + ".reshape").Call(s);
        s = new Conv2D(squeeze, 1, name: prefix + ".fc1").Call(s);
        s = new Activation(activation, name: prefix + ".activation").Call(s);
        s = new Conv2D(channels, 1, name: prefix + ".fc2").Call(s);
        s = new Activation(scaleActivation, name: prefix + ".scale_activation").Call(s);
        return new Multiply(name: prefix + ".multiply").Call([x, s]);
    }
}
