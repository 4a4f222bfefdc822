using Fovea.Tensors;

namespace Fovea.Autograd.Functions;

/// <summary>
/// Mean cross-entropy of probabilities p [R, C] (not logits) against class indices or target probabilities, as
/// Keras computes it: each row is renormalised to sum to 1 and clipped to [ε, 1 − ε] with ε = 1e−7, then
/// loss = −Σ t·log p. The gradient of the clip is zero outside the range.
/// </summary>
internal sealed class CrossEntropyFunction(bool targetIsIndex, float smoothing, int rows, int classes) : Function
{
    private const double Epsilon = 1e-7;
    private Tensor? _target;

    public static Tensor Apply(Tensor probabilities, Tensor target, float smoothing)
    {
        var (rows, classes, isIndex) = SoftmaxCrossEntropyFunction.CheckTarget(probabilities, target, "cross-entropy");
        var p = probabilities.AsReadOnlySpan();
        var t = target.AsReadOnlySpan();
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            var pr = p.Slice(r * classes, classes);
            double z = 0;
            foreach (float v in pr)
                z += v;
            for (int j = 0; j < classes; j++)
            {
                double tj = Target(t, r, j, classes, isIndex, smoothing);
                if (tj != 0)
                    total -= tj * Math.Log(Math.Clamp(pr[j] / z, Epsilon, 1 - Epsilon));
            }
        }
        var y = Tensor.Scalar((float)(total / Math.Max(1, rows)));
        if (ShouldRecord(probabilities))
            new CrossEntropyFunction(isIndex, smoothing, rows, classes) { _target = target }.Record(y, probabilities);
        return y;
    }

    internal override Tensor?[] Backward(Tensor dy)
    {
        var probabilities = Inputs[0]!;
        var dp = Tensor.Zeros(probabilities.Shape);
        var p = probabilities.AsReadOnlySpan();
        var t = _target!.AsReadOnlySpan();
        var d = dp.AsSpan();
        double scale = dy.Item() / Math.Max(1, rows);
        for (int r = 0; r < rows; r++)
        {
            var pr = p.Slice(r * classes, classes);
            double z = 0;
            foreach (float v in pr)
                z += v;
            // loss_r = −Σ_j t_j·log(q_j), q_j = clip(p_j/z); ∂/∂p_k = −t_k/(q_k·z)·[k unclipped] + Σ_j t_j/(q_j·z)·q_j·[j unclipped]
            double common = 0;
            for (int j = 0; j < classes; j++)
            {
                double q = pr[j] / z;
                double tj = Target(t, r, j, classes, targetIsIndex, smoothing);
                if (tj != 0 && q > Epsilon && q < 1 - Epsilon)
                    common += tj / z;
            }
            for (int k = 0; k < classes; k++)
            {
                double q = pr[k] / z;
                double tk = Target(t, r, k, classes, targetIsIndex, smoothing);
                double own = tk != 0 && q > Epsilon && q < 1 - Epsilon ? -tk / (q * z) : 0;
                d[r * classes + k] = (float)(scale * (own + common));
            }
        }
        return [dp];
    }

    private static double Target(ReadOnlySpan<float> t, int r, int j, int classes, bool isIndex, float smoothing)
    {
        double raw = isIndex
            ? (Kernels.SoftmaxKernels.ClassIndex(t[r], classes, r) == j ? 1 : 0)
            : t[r * classes + j];
        return (1 - smoothing) * raw + smoothing / classes;
    }
}
