using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>The elementwise activations whose derivative needs only x or y (see <see cref="ActivationKernels"/>).</summary>
internal enum ActivationKind
{
    Relu,
    LeakyRelu,
    Silu,
    Sigmoid,
    Tanh,
    Gelu,
    GeluTanh,
    HardSigmoid,
    HardSwish,
    Mish,
    Elu,
    Selu,
    Softplus,
}

/// <summary>One elementwise activation; keeps y (Sigmoid, Tanh) or x (all others) for backward. The
/// <c>alpha</c> argument is LeakyReLU's slope or ELU's α; ignored by the others.</summary>
internal sealed class PointwiseActivationFunction(ActivationKind kind, float alpha) : Function
{
    /// <summary>SELU's fixed α and λ (Klambauer et al. 2017, as PyTorch and Keras).</summary>
    internal const float SeluAlpha = 1.6732632423543772848170429916717f;
    internal const float SeluScale = 1.0507009873554804934193349852946f;

    private Tensor? _y;

    public override string Name => kind.ToString();

    public static Tensor Apply(Tensor x, ActivationKind kind, float alpha = 0f)
    {
        var y = Tensor.Empty(x.Shape);
        var xs = x.AsReadOnlySpan();
        var ys = y.AsSpan();
        switch (kind)
        {
            case ActivationKind.Relu: ActivationKernels.Relu(xs, ys); break;
            case ActivationKind.LeakyRelu: ActivationKernels.LeakyRelu(xs, alpha, ys); break;
            case ActivationKind.Silu: ActivationKernels.Silu(xs, ys); break;
            case ActivationKind.Sigmoid: ActivationKernels.Sigmoid(xs, ys); break;
            case ActivationKind.Tanh: ActivationKernels.Tanh(xs, ys); break;
            case ActivationKind.Gelu: ActivationKernels.Gelu(xs, ys); break;
            case ActivationKind.GeluTanh: ActivationKernels.GeluTanh(xs, ys); break;
            case ActivationKind.HardSigmoid: ActivationKernels.HardSigmoid(xs, ys); break;
            case ActivationKind.HardSwish: ActivationKernels.HardSwish(xs, ys); break;
            case ActivationKind.Mish: ActivationKernels.Mish(xs, ys); break;
            case ActivationKind.Elu: ActivationKernels.Elu(xs, alpha, 1f, ys); break;
            case ActivationKind.Selu: ActivationKernels.Elu(xs, SeluAlpha, SeluScale, ys); break;
            case ActivationKind.Softplus: ActivationKernels.Softplus(xs, ys); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "no kernel for this activation");
        }
        if (ShouldRecord(x))
            new PointwiseActivationFunction(kind, alpha) { _y = y }.Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        var dx = Tensor.Empty(x.Shape);
        var d = dy.AsReadOnlySpan();
        var o = dx.AsSpan();
        switch (kind)
        {
            case ActivationKind.Relu: ActivationKernels.ReluBackward(x.AsReadOnlySpan(), d, o); break;
            case ActivationKind.LeakyRelu: ActivationKernels.LeakyReluBackward(x.AsReadOnlySpan(), d, alpha, o); break;
            case ActivationKind.Silu: ActivationKernels.SiluBackward(x.AsReadOnlySpan(), d, o); break;
            case ActivationKind.Sigmoid: ActivationKernels.SigmoidBackward(_y!.AsReadOnlySpan(), d, o); break;
            case ActivationKind.Tanh: ActivationKernels.TanhBackward(_y!.AsReadOnlySpan(), d, o); break;
            case ActivationKind.Gelu: ActivationKernels.GeluBackward(x.AsReadOnlySpan(), d, o); break;
            case ActivationKind.GeluTanh: ActivationKernels.GeluTanhBackward(x.AsReadOnlySpan(), d, o); break;
            case ActivationKind.HardSigmoid: ActivationKernels.HardSigmoidBackward(x.AsReadOnlySpan(), d, o); break;
            case ActivationKind.HardSwish: ActivationKernels.HardSwishBackward(x.AsReadOnlySpan(), d, o); break;
            case ActivationKind.Mish: ActivationKernels.MishBackward(x.AsReadOnlySpan(), d, o); break;
            case ActivationKind.Elu: ActivationKernels.EluBackward(x.AsReadOnlySpan(), d, alpha, 1f, o); break;
            case ActivationKind.Selu:
                ActivationKernels.EluBackward(x.AsReadOnlySpan(), d, SeluAlpha, SeluScale, o);
                break;
            case ActivationKind.Softplus: ActivationKernels.SoftplusBackward(x.AsReadOnlySpan(), d, o); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "no backward for this activation");
        }
        return [dx];
    }
}
