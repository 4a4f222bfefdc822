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
}

/// <summary>One elementwise activation; keeps x (ReLU, LeakyReLU, SiLU) or y (Sigmoid, Tanh) for backward.</summary>
internal sealed class PointwiseActivationFunction(ActivationKind kind, float alpha) : Function
{
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
            default: ActivationKernels.Tanh(xs, ys); break;
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
            default: ActivationKernels.TanhBackward(_y!.AsReadOnlySpan(), d, o); break;
        }
        return [dx];
    }
}
