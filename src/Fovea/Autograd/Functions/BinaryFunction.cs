using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// y = f(a, b) elementwise over two tensors of one shape (broadcasting happens before, through Expand, whose
/// backward sums the gradient back); see <see cref="BinaryKernels"/>.
/// </summary>
internal sealed class BinaryFunction(BinaryKind kind) : Function
{
    private Tensor? _y;

    public override string Name => kind.ToString();

    public static Tensor Apply(Tensor a, Tensor b, BinaryKind kind)
    {
        if (a.Shape != b.Shape)
            throw new ArgumentException($"{kind}: shapes {a.Shape} and {b.Shape} differ");
        var y = Tensor.Empty(a.Shape);
        BinaryKernels.Forward(kind, a.AsReadOnlySpan(), b.AsReadOnlySpan(), y.AsSpan());
        if (BinaryKernels.IsDifferentiable(kind) && ShouldRecord(a, b))
            new BinaryFunction(kind) { _y = y }.Record(y, a, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (a, b) = (Inputs[0]!, Inputs[1]!);
        var da = NeedsGrad(0) ? Tensor.Empty(a.Shape) : null;
        var db = NeedsGrad(1) ? Tensor.Empty(b.Shape) : null;
        BinaryKernels.Backward(kind, a.AsReadOnlySpan(), b.AsReadOnlySpan(), _y!.AsReadOnlySpan(), dy.AsReadOnlySpan(),
            da is null ? default : da.AsSpan(), db is null ? default : db.AsSpan());
        return [da, db];
    }
}
