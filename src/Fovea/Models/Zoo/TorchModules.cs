using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>Fovea layers configured as PyTorch's modules with their defaults, for the torchvision zoo.</summary>
internal static class TorchModules
{
    /// <summary><c>nn.Conv2d(in, filters, kernel, stride, padding, groups=groups, bias=bias)</c>.</summary>
    public static Conv2D Conv(int filters, Size2 kernel, string name, Size2? stride = null, Size2? padding = null,
        int groups = 1, bool bias = true) =>
        new(filters, kernel, stride ?? 1, Padding.Explicit(padding?.Height ?? 0, padding?.Width ?? 0), groups: groups,
            useBias: bias, kernelInitializer: Initializers.HeNormal, name: name);

    /// <summary><c>nn.BatchNorm2d</c>: ε = 1e−5 (default) and PyTorch momentum 0.1 (Keras 0.9).</summary>
    public static BatchNormalization Bn(string name, float epsilon = 1e-5f, float momentum = 0.9f) =>
        new(momentum: momentum, epsilon: epsilon, name: name);

    /// <summary><c>nn.Linear(in, units)</c>.</summary>
    public static Dense Linear(int units, string name) => new(units, name: name);

    /// <summary>A convolution without bias, BatchNorm and ReLU, named "<paramref name="prefix"/>.0/.1/.2" (torchvision's
    /// Conv2dNormActivation); <paramref name="activation"/> replaces the ReLU (e.g. ReLU6).</summary>
    public static SymbolicTensor ConvBnRelu(SymbolicTensor x, int filters, Size2 kernel, string prefix,
        Size2? stride = null, int groups = 1, float epsilon = 1e-5f, ActivationFunction? activation = null)
    {
        var pad = new Size2((kernel.Height - 1) / 2, (kernel.Width - 1) / 2);
        x = Conv(filters, kernel, prefix + ".0", stride, pad, groups, bias: false).Call(x);
        x = Bn(prefix + ".1", epsilon).Call(x);
        return activation is null
            ? new ReLU(name: prefix + ".2").Call(x)
            : new Activation(activation, name: prefix + ".2").Call(x);
    }
}
