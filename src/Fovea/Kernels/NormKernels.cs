using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Normalisations without learned parameters (affine parts are ordinary broadcast ops):
/// rows: each row r of [R, D] becomes ŷ = (x − μ_r)/√(σ²_r + ε) (biased variance, as LayerNorm and InstanceNorm);
///   backward dx = (dy − mean(dy) − ŷ·mean(dy·ŷ))/√(σ² + ε).
/// LRN over the channels of [N, C, S]: y = x / (bias + α/size · Σ_window x²)^β, the window running from
///   c − ⌊(size − 1)/2⌋ to c + ⌈(size − 1)/2⌉ (ONNX LRN).
/// Log-softmax over the rows of [R, D]: y = x − max − log Σ e^(x − max); backward dx = dy − e^y·Σ dy.
/// The loops (in double where they sum) are their own reference.
/// </summary>
internal static class NormKernels
{
    /// <summary>ŷ rows and each row's 1/√(σ² + ε) (kept for backward).</summary>
    public static void NormalizeRows(ReadOnlySpan<float> x, Span<float> y, Span<float> invStd, int rows, int d,
        float eps)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * d, d);
            double mean = Elementwise.Sum(xr) / d;
            double v = 0;
            foreach (float t in xr)
                v += (t - mean) * (t - mean);
            float inv = (float)(1 / Math.Sqrt(v / d + eps));
            invStd[r] = inv;
            Elementwise.ScaleShift(xr, inv, (float)(-mean * inv), y.Slice(r * d, d));
        }
    }

    public static void NormalizeRowsBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> invStd, ReadOnlySpan<float> dy,
        Span<float> dx, int rows, int d)
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * d, d);
            var dyr = dy.Slice(r * d, d);
            double meanDy = Elementwise.Sum(dyr) / d;
            double meanDyY = TensorPrimitives.Dot(dyr, yr) / (double)d;
            var dxr = dx.Slice(r * d, d);
            float inv = invStd[r];
            for (int i = 0; i < d; i++)
                dxr[i] = (float)((dyr[i] - meanDy - yr[i] * meanDyY) * inv);
        }
    }

    /// <summary>LRN forward; writes s = bias + α/size·Σ x² (kept for backward).</summary>
    public static void Lrn(ReadOnlySpan<float> x, Span<float> y, Span<float> s, int n, int c, int plane, int size,
        float alpha, float beta, float bias)
    {
        int lo = (size - 1) / 2, hi = size - 1 - lo;
        for (int b = 0; b < n; b++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                int c0 = Math.Max(0, ch - lo), c1 = Math.Min(c - 1, ch + hi);
                for (int p = 0; p < plane; p++)
                {
                    double sum = 0;
                    for (int j = c0; j <= c1; j++)
                    {
                        float v = x[(b * c + j) * plane + p];
                        sum += v * v;
                    }
                    int i = (b * c + ch) * plane + p;
                    float si = (float)(bias + alpha / size * sum);
                    s[i] = si;
                    y[i] = x[i] * MathF.Pow(si, -beta);
                }
            }
        }
    }

    /// <summary>dx_i = dy_i·s_i^(−β) − (2αβ/size)·x_i·Σ_{j: i ∈ window(j)} dy_j·x_j·s_j^(−β−1).</summary>
    public static void LrnBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> s, ReadOnlySpan<float> dy, Span<float> dx,
        int n, int c, int plane, int size, float alpha, float beta)
    {
        int lo = (size - 1) / 2, hi = size - 1 - lo;
        for (int b = 0; b < n; b++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                // channel ch lies in the window of j for j − lo ≤ ch ≤ j + hi, i.e. j ∈ [ch − hi, ch + lo]
                int j0 = Math.Max(0, ch - hi), j1 = Math.Min(c - 1, ch + lo);
                for (int p = 0; p < plane; p++)
                {
                    int i = (b * c + ch) * plane + p;
                    double acc = 0;
                    for (int j = j0; j <= j1; j++)
                    {
                        int k = (b * c + j) * plane + p;
                        acc += dy[k] * x[k] * Math.Pow(s[k], -beta - 1);
                    }
                    dx[i] = (float)(dy[i] * Math.Pow(s[i], -beta) - 2.0 * alpha * beta / size * x[i] * acc);
                }
            }
        }
    }

    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int rows, int d)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * d, d);
            float max = d == 0 ? 0 : TensorPrimitives.Max(xr);
            double sum = 0;
            foreach (float v in xr)
                sum += Math.Exp(v - max);
            float shift = (float)(max + Math.Log(sum));
            TensorPrimitives.Subtract(xr, shift, y.Slice(r * d, d));
        }
    }

    public static void LogSoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows,
        int d)
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * d, d);
            var dyr = dy.Slice(r * d, d);
            double sum = Elementwise.Sum(dyr);
            var dxr = dx.Slice(r * d, d);
            for (int i = 0; i < d; i++)
                dxr[i] = (float)(dyr[i] - Math.Exp(yr[i]) * sum);
        }
    }
}
