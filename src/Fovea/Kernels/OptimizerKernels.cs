using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Parameter updates of torch.optim (single-tensor, non-foreach versions), one fused pass each.
///   SGD:  d = g + wd·p; buf = first step ? d : μ·buf + d; d = nesterov ? d + μ·buf : buf; p −= lr·d
///   Adam: (AdamW first p ·= 1 − lr·wd; Adam instead g += wd·p) m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
///         p −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// Reference: the formulas above, and torch.optim goldens in the tests.
/// </summary>
internal static class OptimizerKernels
{
    public static void Sgd(Span<float> p, ReadOnlySpan<float> g, Span<float> buf, float lr, float momentum, bool nesterov,
        float weightDecay, bool firstStep)
    {
        for (int i = 0; i < p.Length; i++)
        {
            float d = g[i] + weightDecay * p[i];
            if (momentum != 0)
            {
                float b = firstStep ? d : momentum * buf[i] + d;
                buf[i] = b;
                d = nesterov ? d + momentum * b : b;
            }
            p[i] -= lr * d;
        }
    }

    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr, float beta1,
        float beta2, float epsilon, float weightDecay, bool decoupled, int step)
    {
        double bc1 = 1 - Math.Pow(beta1, step);
        double bc2 = 1 - Math.Pow(beta2, step);
        float stepSize = (float)(lr / bc1);
        float invSqrtBc2 = (float)(1 / Math.Sqrt(bc2));
        float decay = decoupled ? 1 - lr * weightDecay : 1f;
        float coupled = decoupled ? 0f : weightDecay;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vb1 = Vector512.Create(beta1);
            var vb1c = Vector512.Create(1 - beta1);
            var vb2 = Vector512.Create(beta2);
            var vb2c = Vector512.Create(1 - beta2);
            var vStep = Vector512.Create(stepSize);
            var vInv = Vector512.Create(invSqrtBc2);
            var vEps = Vector512.Create(epsilon);
            var vDecay = Vector512.Create(decay);
            var vCoupled = Vector512.Create(coupled);
            for (; i <= p.Length - 16; i += 16)
            {
                var pv = Vector512.Create(p.Slice(i, 16));
                var gv = Vector512.FusedMultiplyAdd(vCoupled, pv, Vector512.Create(g.Slice(i, 16)));
                pv *= vDecay;
                var mv = vb1 * Vector512.Create(m.Slice(i, 16)) + vb1c * gv;
                var vv = vb2 * Vector512.Create(v.Slice(i, 16)) + vb2c * gv * gv;
                mv.CopyTo(m.Slice(i, 16));
                vv.CopyTo(v.Slice(i, 16));
                var denom = Vector512.Sqrt(vv) * vInv + vEps;
                (pv - vStep * mv / denom).CopyTo(p.Slice(i, 16));
            }
        }
        for (; i < p.Length; i++)
        {
            float pv = p[i];
            float gv = g[i] + coupled * pv;
            pv *= decay;
            float mv = beta1 * m[i] + (1 - beta1) * gv;
            float vv = beta2 * v[i] + (1 - beta2) * gv * gv;
            m[i] = mv;
            v[i] = vv;
            p[i] = pv - stepSize * mv / (MathF.Sqrt(vv) * invSqrtBc2 + epsilon);
        }
    }
}
