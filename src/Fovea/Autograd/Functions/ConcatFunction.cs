using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Concatenation along one axis; backward slices dy back into the inputs' shapes.</summary>
internal sealed class ConcatFunction(int axis) : Function
{
    public static Tensor Apply(IReadOnlyList<Tensor> inputs, int axis)
    {
        if (inputs.Count == 0)
            throw new ArgumentException("Concatenate needs at least one input");
        var first = inputs[0].Shape;
        int ax = first.NormalizeAxis(axis);
        int total = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            var s = inputs[i].Shape;
            bool ok = s.Rank == first.Rank;
            for (int d = 0; ok && d < s.Rank; d++)
                ok = d == ax || s[d] == first[d];
            if (!ok)
                throw new ArgumentException(
                    $"Concatenate on axis {axis}: input {i} has shape {s}, which differs from input 0 {first} off that axis");
            total += s[ax];
        }
        var y = Tensor.Empty(first.With(ax, total));
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++)
            outer *= first[d];
        for (int d = ax + 1; d < first.Rank; d++)
            inner *= first[d];
        var ys = y.AsSpan();
        int offset = 0;
        foreach (var t in inputs)
        {
            int block = t.Shape[ax] * inner;
            var ts = t.AsReadOnlySpan();
            for (int o = 0; o < outer; o++)
                ts.Slice(o * block, block).CopyTo(ys.Slice(o * total * inner + offset, block));
            offset += block;
        }
        var arr = inputs.ToArray<Tensor?>();
        if (ShouldRecord(arr))
            new ConcatFunction(ax).Record(y, arr);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var shape = dy.Shape;
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++)
            outer *= shape[d];
        for (int d = axis + 1; d < shape.Rank; d++)
            inner *= shape[d];
        int total = shape[axis];
        var grads = new Tensor?[Inputs.Length];
        int offset = 0;
        var dys = dy.AsReadOnlySpan();
        for (int i = 0; i < Inputs.Length; i++)
        {
            var input = Inputs[i]!;
            int block = input.Shape[axis] * inner;
            if (NeedsGrad(i))
            {
                var g = Tensor.Empty(input.Shape);
                var gs = g.AsSpan();
                for (int o = 0; o < outer; o++)
                    dys.Slice(o * total * inner + offset, block).CopyTo(gs.Slice(o * block, block));
                grads[i] = g;
            }
            offset += block;
        }
        return grads;
    }
}
