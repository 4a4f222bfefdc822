using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Softmax over the last axis of a [rows, classes] matrix, and softmax cross-entropy fused with it (llm.c style).
/// Cross-entropy targets are either class indices (one float per row holding an integer) or a probability row
/// per sample. Label smoothing ε replaces the target t by (1 − ε)·t + ε/classes.
///   loss_r = −Σ_j t_rj · log softmax(x_r)_j = logsumexp(x_r) − Σ_j t_rj·x_rj (for Σ_j t_rj = 1)
///   ∂loss_r/∂x_rj = softmax(x_r)_j − t_rj
/// Reference: the same formulas evaluated in double in the tests, and PyTorch goldens.
/// </summary>
internal static class SoftmaxKernels
{
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int classes)
    {
        // TensorPrimitives.SoftMax does not subtract the maximum, so large logits would overflow to ∞/∞.
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * classes, classes);
            var yr = y.Slice(r * classes, classes);
            if (classes == 0)
                continue;
            TensorPrimitives.Subtract(xr, TensorPrimitives.Max(xr), yr);
            TensorPrimitives.SoftMax(yr, yr);
        }
    }

    /// <summary>dx = y ⊙ (dy − Σ_j dy_j·y_j), row by row.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            var yr = y.Slice(r * classes, classes);
            var dyr = dy.Slice(r * classes, classes);
            float dot = TensorPrimitives.Dot(yr, dyr);
            var dxr = dx.Slice(r * classes, classes);
            TensorPrimitives.Subtract(dyr, dot, dxr);
            TensorPrimitives.Multiply(dxr, yr, dxr);
        }
    }

    /// <summary>
    /// Per-row cross-entropy of softmax(logits) against the targets; writes the probabilities (for backward) and each
    /// row's loss. Throws on a class index outside [0, classes).
    /// </summary>
    public static void CrossEntropyForward(ReadOnlySpan<float> logits, ReadOnlySpan<float> target, bool targetIsIndex,
        float smoothing, Span<float> probabilities, Span<double> rowLoss, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = logits.Slice(r * classes, classes);
            float max = TensorPrimitives.Max(xr);
            double sumExp = 0;
            for (int j = 0; j < classes; j++)
                sumExp += Math.Exp(xr[j] - max);
            double lse = max + Math.Log(sumExp);
            var pr = probabilities.Slice(r * classes, classes);
            for (int j = 0; j < classes; j++)
                pr[j] = (float)Math.Exp(xr[j] - lse);
            double loss;
            if (targetIsIndex)
            {
                int label = ClassIndex(target[r], classes, r);
                // Σ_j t_j·(lse − x_j) with t = (1−ε)·onehot + ε/C
                double mean = smoothing == 0 ? 0 : lse - Elementwise.Sum(xr) / classes;
                loss = (1 - smoothing) * (lse - xr[label]) + smoothing * mean;
            }
            else
            {
                var tr = target.Slice(r * classes, classes);
                loss = 0;
                for (int j = 0; j < classes; j++)
                {
                    double t = (1 - smoothing) * tr[j] + smoothing / classes;
                    if (t != 0)
                        loss += t * (lse - xr[j]);
                }
            }
            rowLoss[r] = loss;
        }
    }

    /// <summary>dlogits = (p − t)·scale, row by row (scale = upstream gradient / rows for a mean).</summary>
    public static void CrossEntropyBackward(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> target,
        bool targetIsIndex, float smoothing, float scale, Span<float> dlogits, int rows, int classes)
    {
        float off = smoothing / classes;
        for (int r = 0; r < rows; r++)
        {
            var pr = probabilities.Slice(r * classes, classes);
            var dr = dlogits.Slice(r * classes, classes);
            if (targetIsIndex)
            {
                TensorPrimitives.Subtract(pr, off, dr);
                dr[ClassIndex(target[r], classes, r)] -= 1 - smoothing;
            }
            else
            {
                var tr = target.Slice(r * classes, classes);
                for (int j = 0; j < classes; j++)
                    dr[j] = pr[j] - ((1 - smoothing) * tr[j] + off);
            }
            TensorPrimitives.Multiply(dr, scale, dr);
        }
    }

    internal static int ClassIndex(float value, int classes, int row)
    {
        int label = (int)value;
        if (label != value || label < 0 || label >= classes)
            throw new ArgumentException($"label {value} of sample {row} is not a class index in [0, {classes})");
        return label;
    }
}
