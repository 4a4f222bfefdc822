using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// y[i] = x[map[i]] (or <c>fill</c> where map[i] = −1), the common form of transpose, slice, pad, expand, tile,
/// gather and nearest resize (see <see cref="IndexMaps"/>); backward scatters dy back: dx[map[i]] += dy[i].
/// </summary>
internal sealed class IndexMapFunction(int[] map, string name) : Function
{
    public override string Name => name;

    public static Tensor Apply(Tensor x, int[] map, Shape outShape, float fill, string name)
    {
        if (map.Length != outShape.Length)
            throw new ArgumentException($"{name}: an index map of {map.Length} entries for output {outShape}");
        var y = Tensor.Empty(outShape);
        IndexMaps.Gather(x.AsReadOnlySpan(), map, y.AsSpan(), fill);
        if (ShouldRecord(x))
            new IndexMapFunction(map, name).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(Inputs[0]!.Shape);
        IndexMaps.ScatterAdd(dy.AsReadOnlySpan(), map, dx.AsSpan());
        return [dx];
    }
}
