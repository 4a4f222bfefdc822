using System.Runtime.Intrinsics;

namespace Fovea.Kernels;

/// <summary>
/// Batch normalisation fused with the activation that follows it, over x [N, C, S]: y = act(z), z = x·scale + shift.
/// Training mode takes the batch statistics (one pass, as <see cref="BatchNormKernels"/>) and then writes y in a
/// second pass, so z is never stored. Backward recomputes z from x: pass 1 sums dz = act'(z)·dy and dz·x per channel,
/// pass 2 writes dx (training: the BatchNorm formula; inference: dx = dz·scale). Half the memory traffic of the two
/// ops apart. Vector512 and Vector256 paths; callers use the separate kernels where neither is accelerated.
/// Reference: <see cref="BatchNormKernels"/> followed by <see cref="ActivationKernels"/> (compared in tests).
/// </summary>
internal static unsafe class BatchNormActivationKernels
{
    public static bool IsSupported => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Forward. In training, computes the batch mean, 1/√(σ²+ε) and biased variance into <paramref name="mean"/>,
    /// <paramref name="invStd"/>, <paramref name="variance"/>; otherwise uses <paramref name="mean"/> and
    /// <paramref name="invStd"/> as given (running statistics).
    /// </summary>
    public static void Forward<TAct>(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, bool training, Span<float> y, Span<float> mean, Span<float> invStd, Span<float> variance,
        int n, int c, int s, TAct act)
        where TAct : struct, IUnaryOp
    {
        fixed (float* px = x, pg = gamma, pb = beta, py = y, pm = mean, pi = invStd, pv = variance)
        {
            var job = new ForwardJob<TAct>
            {
                X = px, Gamma = pg, Beta = pb, Y = py, Mean = pm, InvStd = pi, Var = pv, Eps = epsilon,
                Training = training, N = n, C = c, S = s, Act = act,
            };
            KernelThreads.For(c, job);
        }
    }

    /// <summary>Backward; <typeparamref name="TGrad"/> maps (z, dy) to dz. Empty spans skip that gradient.</summary>
    public static void Backward<TGrad>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, bool training, Span<float> dx,
        Span<float> dgamma, Span<float> dbeta, int n, int c, int s, TGrad grad)
        where TGrad : struct, IBinaryOp
    {
        fixed (float* px = x, pdy = dy, pg = gamma, pb = beta, pm = mean, pi = invStd, pdx = dx, pdg = dgamma, pdb = dbeta)
        {
            var job = new BackwardJob<TGrad>
            {
                X = px, DY = pdy, Gamma = pg, Beta = pb, Mean = pm, InvStd = pi, Training = training,
                DX = dx.IsEmpty ? null : pdx, DGamma = dgamma.IsEmpty ? null : pdg, DBeta = dbeta.IsEmpty ? null : pdb,
                N = n, C = c, S = s, Grad = grad,
            };
            KernelThreads.For(c, job);
        }
    }

    private struct ForwardJob<TAct> : IParallelJob
        where TAct : struct, IUnaryOp
    {
        public float* X, Gamma, Beta, Y, Mean, InvStd, Var;
        public float Eps;
        public bool Training;
        public int N, C, S;
        public TAct Act;

        public readonly void Execute(int begin, int end)
        {
            long m = (long)N * S;
            for (int ch = begin; ch < end; ch++)
            {
                if (Training)
                {
                    float k = X[(long)ch * S];
                    double sum = 0, sq = 0;
                    for (int i = 0; i < N; i++)
                    {
                        var (rs, rq) = Elementwise.ShiftedSums(new ReadOnlySpan<float>(X + ((long)i * C + ch) * S, S), k);
                        sum += rs;
                        sq += rq;
                    }
                    double var = Math.Max(0, sq / m - (sum / m) * (sum / m));
                    Mean[ch] = (float)(k + sum / m);
                    Var[ch] = (float)var;
                    InvStd[ch] = (float)(1.0 / Math.Sqrt(var + Eps));
                }
                float scale = Gamma[ch] * InvStd[ch];
                float shift = Beta[ch] - Mean[ch] * scale;
                for (int i = 0; i < N; i++)
                {
                    long o = ((long)i * C + ch) * S;
                    ApplyRow(X + o, Y + o, S, scale, shift, Act);
                }
            }
        }
    }

    private static void ApplyRow<TAct>(float* x, float* y, int n, float scale, float shift, TAct act)
        where TAct : struct, IUnaryOp
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(scale);
            var b = Vector512.Create(shift);
            for (; j <= n - 16; j += 16)
                Vector512.Store(act.Invoke(Vector512.FusedMultiplyAdd(Vector512.Load(x + j), a, b)), y + j);
        }
        else
        {
            var a = Vector256.Create(scale);
            var b = Vector256.Create(shift);
            for (; j <= n - 8; j += 8)
                Vector256.Store(act.Invoke(Vector256.FusedMultiplyAdd(Vector256.Load(x + j), a, b)), y + j);
        }
        for (; j < n; j++)
            y[j] = act.Invoke(MathF.FusedMultiplyAdd(x[j], scale, shift));
    }

    private struct BackwardJob<TGrad> : IParallelJob
        where TGrad : struct, IBinaryOp
    {
        public float* X, DY, Gamma, Beta, Mean, InvStd, DX, DGamma, DBeta;
        public bool Training;
        public int N, C, S;
        public TGrad Grad;

        public readonly void Execute(int begin, int end)
        {
            long m = (long)N * S;
            for (int ch = begin; ch < end; ch++)
            {
                float mu = Mean[ch], inv = InvStd[ch];
                float scale = Gamma[ch] * inv;
                float shift = Beta[ch] - mu * scale;
                double sumDz = 0, sumDzX = 0;
                for (int i = 0; i < N; i++)
                {
                    long o = ((long)i * C + ch) * S;
                    var (a, b) = SumRow(X + o, DY + o, S, scale, shift, Grad);
                    sumDz += a;
                    sumDzX += b;
                }
                double sumDzXhat = inv * (sumDzX - mu * sumDz);
                if (DGamma is not null)
                    DGamma[ch] = (float)sumDzXhat;
                if (DBeta is not null)
                    DBeta[ch] = (float)sumDz;
                if (DX is null)
                    continue;
                // training: dx = k·dz + cx·x + c0 (see BatchNormKernels); inference: dx = scale·dz
                float k = scale, cx = 0f, c0 = 0f;
                if (Training)
                {
                    double aMean = sumDz / m, bMean = sumDzXhat / m;
                    cx = (float)(-k * bMean * inv);
                    c0 = (float)(k * (bMean * inv * mu - aMean));
                }
                for (int i = 0; i < N; i++)
                {
                    long o = ((long)i * C + ch) * S;
                    GradRow(X + o, DY + o, DX + o, S, scale, shift, k, cx, c0, Grad);
                }
            }
        }
    }

    private static (double SumDz, double SumDzX) SumRow<TGrad>(float* x, float* dy, int n, float scale, float shift, TGrad grad)
        where TGrad : struct, IBinaryOp
    {
        int j = 0;
        double sumDz = 0, sumDzX = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(scale);
            var b = Vector512.Create(shift);
            var s0 = Vector512<float>.Zero;
            var s1 = Vector512<float>.Zero;
            for (; j <= n - 16; j += 16)
            {
                var xv = Vector512.Load(x + j);
                var dz = grad.Invoke(Vector512.FusedMultiplyAdd(xv, a, b), Vector512.Load(dy + j));
                s0 += dz;
                s1 = Vector512.FusedMultiplyAdd(dz, xv, s1);
            }
            sumDz = Vector512.Sum(s0);
            sumDzX = Vector512.Sum(s1);
        }
        else
        {
            var a = Vector256.Create(scale);
            var b = Vector256.Create(shift);
            var s0 = Vector256<float>.Zero;
            var s1 = Vector256<float>.Zero;
            for (; j <= n - 8; j += 8)
            {
                var xv = Vector256.Load(x + j);
                var dz = grad.Invoke(Vector256.FusedMultiplyAdd(xv, a, b), Vector256.Load(dy + j));
                s0 += dz;
                s1 = Vector256.FusedMultiplyAdd(dz, xv, s1);
            }
            sumDz = Vector256.Sum(s0);
            sumDzX = Vector256.Sum(s1);
        }
        for (; j < n; j++)
        {
            float dz = grad.Invoke(MathF.FusedMultiplyAdd(x[j], scale, shift), dy[j]);
            sumDz += dz;
            sumDzX += (double)dz * x[j];
        }
        return (sumDz, sumDzX);
    }

    private static void GradRow<TGrad>(float* x, float* dy, float* dx, int n, float scale, float shift, float k, float cx,
        float c0, TGrad grad)
        where TGrad : struct, IBinaryOp
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Create(scale);
            var b = Vector512.Create(shift);
            var vk = Vector512.Create(k);
            var vcx = Vector512.Create(cx);
            var vc0 = Vector512.Create(c0);
            for (; j <= n - 16; j += 16)
            {
                var xv = Vector512.Load(x + j);
                var dz = grad.Invoke(Vector512.FusedMultiplyAdd(xv, a, b), Vector512.Load(dy + j));
                Vector512.Store(Vector512.FusedMultiplyAdd(vk, dz, Vector512.FusedMultiplyAdd(vcx, xv, vc0)), dx + j);
            }
        }
        else
        {
            var a = Vector256.Create(scale);
            var b = Vector256.Create(shift);
            var vk = Vector256.Create(k);
            var vcx = Vector256.Create(cx);
            var vc0 = Vector256.Create(c0);
            for (; j <= n - 8; j += 8)
            {
                var xv = Vector256.Load(x + j);
                var dz = grad.Invoke(Vector256.FusedMultiplyAdd(xv, a, b), Vector256.Load(dy + j));
                Vector256.Store(Vector256.FusedMultiplyAdd(vk, dz, Vector256.FusedMultiplyAdd(vcx, xv, vc0)), dx + j);
            }
        }
        for (; j < n; j++)
        {
            float dz = grad.Invoke(MathF.FusedMultiplyAdd(x[j], scale, shift), dy[j]);
            dx[j] = k * dz + cx * x[j] + c0;
        }
    }
}
