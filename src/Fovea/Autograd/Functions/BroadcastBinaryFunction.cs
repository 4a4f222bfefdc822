using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// a ∘ b with NumPy broadcasting, ∘ ∈ {+, −, ×, ÷}. Gradients are summed back over broadcast dimensions:
/// d(a+b) = (dy, dy), d(a−b) = (dy, −dy), d(a·b) = (dy·b, dy·a), d(a/b) = (dy/b, −dy·a/b²).
/// </summary>
internal sealed class BroadcastBinaryFunction(Broadcast.Op op) : Function
{
    public override string Name => op.ToString();

    public static Tensor Apply(Tensor a, Tensor b, Broadcast.Op op)
    {
        var shape = Broadcast.ResultShape(a.Shape.Dims, b.Shape.Dims);
        var y = Tensor.Empty(shape);
        Broadcast.Binary(op, a.AsReadOnlySpan(), a.Shape.Dims, b.AsReadOnlySpan(), b.Shape.Dims, y.AsSpan(), shape);
        if (ShouldRecord(a, b))
            new BroadcastBinaryFunction(op).Record(y, a, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (a, b) = (Inputs[0]!, Inputs[1]!);
        Tensor? da = null, db = null;
        if (NeedsGrad(0))
        {
            da = op switch
            {
                Broadcast.Op.Add or Broadcast.Op.Subtract => ReduceTo(dy, a.Shape),
                Broadcast.Op.Multiply => ReduceTo(Product(dy, b, Broadcast.Op.Multiply), a.Shape),
                _ => ReduceTo(Product(dy, b, Broadcast.Op.Divide), a.Shape),
            };
        }
        if (NeedsGrad(1))
        {
            switch (op)
            {
                case Broadcast.Op.Add:
                    db = ReduceTo(dy, b.Shape);
                    break;
                case Broadcast.Op.Subtract:
                    db = ReduceTo(dy, b.Shape);
                    Elementwise.Scale(db.AsReadOnlySpan(), -1f, db.AsSpan());
                    break;
                case Broadcast.Op.Multiply:
                    db = ReduceTo(Product(dy, a, Broadcast.Op.Multiply), b.Shape);
                    break;
                default:
                    // −dy·a/b² = −(dy·a/b)/b
                    var t = Product(Product(dy, a, Broadcast.Op.Multiply), b, Broadcast.Op.Divide);
                    t = Product(t, b, Broadcast.Op.Divide);
                    db = ReduceTo(t, b.Shape);
                    Elementwise.Scale(db.AsReadOnlySpan(), -1f, db.AsSpan());
                    break;
            }
        }
        return [da, db];
    }

    private static Tensor Product(Tensor dy, Tensor other, Broadcast.Op op)
    {
        var r = Tensor.Empty(dy.Shape);
        Broadcast.Binary(op, dy.AsReadOnlySpan(), dy.Shape.Dims, other.AsReadOnlySpan(), other.Shape.Dims, r.AsSpan(),
            dy.Shape.Dims);
        return r;
    }

    private static Tensor ReduceTo(Tensor g, Shape shape)
    {
        var r = Tensor.Empty(shape);
        Broadcast.SumTo(g.AsReadOnlySpan(), g.Shape.Dims, r.AsSpan(), shape.Dims);
        return r;
    }
}
