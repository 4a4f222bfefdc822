using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>y = condition ≠ 0 ? a : b over tensors of one shape; the gradient goes to the chosen input.</summary>
internal sealed class WhereFunction : Function
{
    public static Tensor Apply(Tensor condition, Tensor a, Tensor b)
    {
        if (condition.Shape != a.Shape || a.Shape != b.Shape)
            throw new ArgumentException($"Where: shapes {condition.Shape}, {a.Shape} and {b.Shape} differ");
        var y = Tensor.Empty(a.Shape);
        var c = condition.AsReadOnlySpan();
        var av = a.AsReadOnlySpan();
        var bv = b.AsReadOnlySpan();
        var ys = y.AsSpan();
        for (int i = 0; i < ys.Length; i++)
            ys[i] = c[i] != 0 ? av[i] : bv[i];
        if (ShouldRecord(a, b))
            new WhereFunction().Record(y, condition, a, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var c = Inputs[0]!.AsReadOnlySpan();
        var g = dy.AsReadOnlySpan();
        Tensor? da = null, db = null;
        if (NeedsGrad(1))
        {
            da = Tensor.Empty(dy.Shape);
            var s = da.AsSpan();
            for (int i = 0; i < s.Length; i++)
                s[i] = c[i] != 0 ? g[i] : 0f;
        }
        if (NeedsGrad(2))
        {
            db = Tensor.Empty(dy.Shape);
            var s = db.AsSpan();
            for (int i = 0; i < s.Length; i++)
                s[i] = c[i] != 0 ? 0f : g[i];
        }
        return [null, da, db];
    }
}
