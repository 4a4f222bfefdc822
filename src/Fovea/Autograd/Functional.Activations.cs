using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>max(x, 0).</summary>
    public static Tensor Relu(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Relu);

    /// <summary>x for x &gt; 0, alpha·x otherwise (Keras default alpha 0.3 lives in the layer).</summary>
    public static Tensor LeakyRelu(Tensor x, float alpha) => PointwiseActivationFunction.Apply(x, ActivationKind.LeakyRelu, alpha);

    /// <summary>PReLU with one learned slope per channel (axis 1).</summary>
    public static Tensor PRelu(Tensor x, Tensor alpha) => PReluFunction.Apply(x, alpha);

    /// <summary>x·σ(x), also called Swish.</summary>
    public static Tensor Silu(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Silu);

    /// <summary>1/(1 + e^(−x)).</summary>
    public static Tensor Sigmoid(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Sigmoid);

    public static Tensor Tanh(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Tanh);

    /// <summary>GELU, x·Φ(x) with Φ the standard normal CDF (PyTorch <c>F.gelu(x)</c>).</summary>
    public static Tensor Gelu(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Gelu);

    /// <summary>GELU's tanh approximation ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))) (PyTorch
    /// <c>F.gelu(x, approximate='tanh')</c>).</summary>
    public static Tensor GeluTanh(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.GeluTanh);

    /// <summary>clamp(x/6 + ½, 0, 1) (PyTorch <c>F.hardsigmoid</c>).</summary>
    public static Tensor HardSigmoid(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.HardSigmoid);

    /// <summary>x·clamp(x/6 + ½, 0, 1) (PyTorch <c>F.hardswish</c>).</summary>
    public static Tensor HardSwish(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.HardSwish);

    /// <summary>x·tanh(ln(1 + eˣ)).</summary>
    public static Tensor Mish(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Mish);

    /// <summary>x for x &gt; 0, alpha·(eˣ − 1) otherwise.</summary>
    public static Tensor Elu(Tensor x, float alpha = 1f) =>
        PointwiseActivationFunction.Apply(x, ActivationKind.Elu, alpha);

    /// <summary>λ·(x for x &gt; 0, α·(eˣ − 1) otherwise), α ≈ 1.6733, λ ≈ 1.0507.</summary>
    public static Tensor Selu(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Selu);

    /// <summary>ln(1 + eˣ) (x itself above 20, as PyTorch).</summary>
    public static Tensor Softplus(Tensor x) => PointwiseActivationFunction.Apply(x, ActivationKind.Softplus);

    /// <summary>Softmax over the last axis.</summary>
    public static Tensor Softmax(Tensor x) => SoftmaxFunction.Apply(x);
}
