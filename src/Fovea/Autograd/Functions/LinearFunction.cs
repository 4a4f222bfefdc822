using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Fully connected: x [R, in] (R = all leading dims), w [out, in] (PyTorch layout), b [out] → y [R, out] = x·wᵀ + b.
/// Backward: dx = dy·w, dw = dyᵀ·x, db = Σ_rows dy.
/// </summary>
internal sealed class LinearFunction(int rows, int inFeatures, int outFeatures) : Function
{
    public static Tensor Apply(Tensor x, Tensor w, Tensor? b)
    {
        int inF = w.Shape[1], outF = w.Shape[0];
        int rows = x.Length / inF;
        var y = Tensor.Empty(x.Shape.With(-1, outF));
        Gemm.Multiply(false, true, rows, outF, inF, x.AsReadOnlySpan(), inF, w.AsReadOnlySpan(), inF, y.AsSpan(), outF,
            accumulate: false);
        if (b is not null)
        {
            var ys = y.AsSpan();
            var bs = b.AsReadOnlySpan();
            for (int r = 0; r < rows; r++)
                Elementwise.AddInPlace(ys.Slice(r * outF, outF), bs);
        }
        if (ShouldRecord(x, w, b))
            new LinearFunction(rows, inF, outF).Record(y, x, w, b);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var (x, w, b) = (Inputs[0]!, Inputs[1]!, Inputs[2]);
        Tensor? dx = null, dw = null, db = null;
        if (NeedsGrad(0))
        {
            dx = Tensor.Empty(x.Shape);
            Gemm.Multiply(false, false, rows, inFeatures, outFeatures, dy.AsReadOnlySpan(), outFeatures,
                w.AsReadOnlySpan(), inFeatures, dx.AsSpan(), inFeatures, accumulate: false);
        }
        if (NeedsGrad(1))
        {
            dw = Tensor.Empty(w.Shape);
            Gemm.Multiply(true, false, outFeatures, inFeatures, rows, dy.AsReadOnlySpan(), outFeatures,
                x.AsReadOnlySpan(), inFeatures, dw.AsSpan(), inFeatures, accumulate: false);
        }
        if (b is not null && NeedsGrad(2))
        {
            db = Tensor.Zeros(b.Shape);
            var dbs = db.AsSpan();
            var dys = dy.AsReadOnlySpan();
            for (int r = 0; r < rows; r++)
                Elementwise.AddInPlace(dbs, dys.Slice(r * outFeatures, outFeatures));
        }
        return [dx, dw, db];
    }
}
