using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>One elementwise function of <see cref="UnaryKernels"/>; keeps x and y for backward.</summary>
internal sealed class UnaryFunction(UnaryKind kind, float a, float b) : Function
{
    private Tensor? _y;

    public override string Name => kind.ToString();

    public static Tensor Apply(Tensor x, UnaryKind kind, float a = 0f, float b = 0f)
    {
        var y = Tensor.Empty(x.Shape);
        UnaryKernels.Forward(kind, a, b, x.AsReadOnlySpan(), y.AsSpan());
        if (ShouldRecord(x))
            new UnaryFunction(kind, a, b) { _y = y }.Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var x = Inputs[0]!;
        var dx = Tensor.Empty(x.Shape);
        UnaryKernels.Backward(kind, a, b, x.AsReadOnlySpan(), _y!.AsReadOnlySpan(), dy.AsReadOnlySpan(), dx.AsSpan());
        return [dx];
    }
}
