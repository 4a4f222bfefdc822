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

    /// <summary>Softmax over the last axis.</summary>
    public static Tensor Softmax(Tensor x) => SoftmaxFunction.Apply(x);
}
