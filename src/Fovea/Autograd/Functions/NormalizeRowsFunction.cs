using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>Each row of [R, D] normalised to zero mean and unit (biased) variance; see <see
/// cref="NormKernels"/>.</summary>
internal sealed class NormalizeRowsFunction(int rows, int d) : Function
{
    private Tensor? _y;
    private float[] _invStd = [];

    public override string Name => "NormalizeRows";

    public static Tensor Apply(Tensor x, int d, float eps)
    {
        int rows = d == 0 ? 0 : x.Length / d;
        var y = Tensor.Empty(x.Shape);
        var inv = new float[rows];
        NormKernels.NormalizeRows(x.AsReadOnlySpan(), y.AsSpan(), inv, rows, d, eps);
        if (ShouldRecord(x))
            new NormalizeRowsFunction(rows, d) { _y = y, _invStd = inv }.Record(y, x);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Empty(dy.Shape);
        NormKernels.NormalizeRowsBackward(_y!.AsReadOnlySpan(), _invStd, dy.AsReadOnlySpan(), dx.AsSpan(), rows, d);
        return [dx];
    }
}
