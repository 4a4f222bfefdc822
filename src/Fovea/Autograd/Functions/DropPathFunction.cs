using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Stochastic depth: each sample's whole tensor is zeroed with probability <c>rate</c> and kept samples are scaled
/// by 1/(1 − rate); y[n, …] = x[n, …]·m[n]. Backward: dx[n, …] = dy[n, …]·m[n]. With <c>perSample</c> false
/// (torchvision's "batch" mode) one draw decides for the whole batch: every m[n] is the same.
/// </summary>
internal sealed class DropPathFunction(float[] scale) : Function
{
    public static Tensor Apply(Tensor x, float rate, Rng rng, bool perSample = true)
    {
        int n = x.Shape[0];
        int row = n == 0 ? 0 : x.Length / n;
        var scale = new float[n];
        float batchScale = perSample || n == 0 ? 0f : rng.NextDouble() >= rate ? 1f / (1f - rate) : 0f;
        for (int i = 0; i < n; i++)
            scale[i] = !perSample ? batchScale : rng.NextDouble() >= rate ? 1f / (1f - rate) : 0f;
        var y = Tensor.Empty(x.Shape);
        Rows(x.AsReadOnlySpan(), scale, y.AsSpan(), row);
        if (ShouldRecord(x))
            new DropPathFunction(scale).Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(dy.Shape);
        Rows(dy.AsReadOnlySpan(), scale, dx.AsSpan(), scale.Length == 0 ? 0 : dy.Length / scale.Length);
        return [dx];
    }

    private static void Rows(ReadOnlySpan<float> x, float[] scale, Span<float> y, int row)
    {
        for (int i = 0; i < scale.Length; i++)
            Elementwise.Scale(x.Slice(i * row, row), scale[i], y.Slice(i * row, row));
    }
}
