namespace Fovea.Kernels;

/// <summary>
/// Batch normalisation over x [N, C, S] (S = H·W, or 1 after a Dense layer), statistics per channel over the
/// M = N·S values of that channel.
///   training   μ = mean(x), σ² = mean((x − μ)²) (biased), x̂ = (x − μ)/√(σ² + ε), y = γ·x̂ + β
///              backward: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/(M·√(σ² + ε)) · (M·dy − Σ dy − x̂·Σ dy·x̂)
///   inference  y = x·scale + shift with scale = γ/√(var + ε), shift = β − mean·scale (running statistics)
///   running    mean and variance move towards the batch's with the momentum given (UpdateRunningStatistics)
/// Channels are split over the kernel threads; sums run in double in a fixed order.
/// Reference: the same formulas evaluated naively in the tests, and PyTorch goldens.
/// </summary>
internal static unsafe class BatchNormKernels
{
    /// <summary>Training forward: writes y, and per channel the batch mean and 1/√(σ²+ε) and the biased variance.</summary>
    public static void TrainingForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, Span<float> y, Span<float> mean, Span<float> invStd, Span<float> variance, int n, int c, int s)
    {
        fixed (float* px = x, pg = gamma, pb = beta, py = y, pm = mean, pi = invStd, pv = variance)
        {
            var job = new ForwardJob
            {
                X = px, Gamma = pg, Beta = pb, Y = py, Mean = pm, InvStd = pi, Var = pv, Eps = epsilon, N = n, C = c, S = s,
            };
            KernelThreads.For(c, job);
        }
    }

    /// <summary>
    /// Inference batch normalisation after a convolution as one affine map of the convolution's output (bias
    /// excluded): with s = γ/√(var + ε) per channel, scale = s and shift = (b − mean)·s + β (b = 0 when
    /// <paramref name="bias"/> is empty).
    /// </summary>
    public static void InferenceAffine(ReadOnlySpan<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, float epsilon, Span<float> scale, Span<float> shift)
    {
        for (int c = 0; c < gamma.Length; c++)
        {
            float s = (float)(gamma[c] / Math.Sqrt(variance[c] + (double)epsilon));
            scale[c] = s;
            shift[c] = ((bias.IsEmpty ? 0f : bias[c]) - mean[c]) * s + beta[c];
        }
    }

    /// <summary>
    /// The running-statistics update after a training batch of <paramref name="m"/> values per channel, in place:
    /// runningMean = momentum·runningMean + (1 − momentum)·mean and runningVariance = momentum·runningVariance +
    /// (1 − momentum)·M/(M − 1)·variance (the unbiased batch variance, as PyTorch). <paramref name="momentum"/> is the
    /// one for this update (Keras convention), chosen by the caller.
    /// </summary>
    public static void UpdateRunningStatistics(ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, long m,
        float momentum, Span<float> runningMean, Span<float> runningVariance)
    {
        double unbias = (double)m / (m - 1);
        for (int ch = 0; ch < runningMean.Length; ch++)
        {
            runningMean[ch] = momentum * runningMean[ch] + (1 - momentum) * mean[ch];
            runningVariance[ch] = momentum * runningVariance[ch] + (1 - momentum) * (float)(variance[ch] * unbias);
        }
    }

    /// <summary>Training backward. dx, dgamma and dbeta are overwritten; an empty span skips that gradient.</summary>
    public static void TrainingBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> invStd, Span<float> dx, Span<float> dgamma, Span<float> dbeta,
        int n, int c, int s)
    {
        fixed (float* px = x, pdy = dy, pg = gamma, pm = mean, pi = invStd, pdx = dx, pdg = dgamma, pdb = dbeta)
        {
            var job = new BackwardJob
            {
                X = px, DY = pdy, Gamma = pg, Mean = pm, InvStd = pi, DX = dx.IsEmpty ? null : pdx,
                DGamma = dgamma.IsEmpty ? null : pdg, DBeta = dbeta.IsEmpty ? null : pdb, N = n, C = c, S = s,
            };
            KernelThreads.For(c, job);
        }
    }

    /// <summary>y = x·scale[c] + shift[c].</summary>
    public static void Affine(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y,
        int n, int c, int s)
    {
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
        {
            int o = (i * c + ch) * s;
            var xs = x.Slice(o, s);
            var ys = y.Slice(o, s);
            Elementwise.ScaleShift(xs, scale[ch], shift[ch], ys);
        }
    }

    /// <summary>Per-channel Σ dy and Σ dy·x over [N, C, S] (for the inference-mode and affine gradients).</summary>
    public static void ChannelSums(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<double> sumDy, Span<double> sumDyX,
        int n, int c, int s)
    {
        sumDy.Clear();
        sumDyX.Clear();
        for (int i = 0; i < n; i++)
        for (int ch = 0; ch < c; ch++)
        {
            int o = (i * c + ch) * s;
            sumDy[ch] += Elementwise.Sum(dy.Slice(o, s));
            sumDyX[ch] += System.Numerics.Tensors.TensorPrimitives.Dot(dy.Slice(o, s), x.Slice(o, s));
        }
    }

    private struct ForwardJob : IParallelJob
    {
        public float* X, Gamma, Beta, Y, Mean, InvStd, Var;
        public float Eps;
        public int N, C, S;

        public readonly void Execute(int begin, int end)
        {
            long m = (long)N * S;
            for (int ch = begin; ch < end; ch++)
            {
                // One pass: Σ(x − K) and Σ(x − K)² with K = the channel's first value (shifting keeps the variance
                // accurate when |mean| ≫ std), each row summed in float vectors and added up in double.
                float shift0 = X[(long)ch * S];
                double sum = 0, sq = 0;
                for (int i = 0; i < N; i++)
                {
                    var (rs, rq) = Elementwise.ShiftedSums(new ReadOnlySpan<float>(X + ((long)i * C + ch) * S, S), shift0);
                    sum += rs;
                    sq += rq;
                }
                double mu = shift0 + sum / m;
                double var = Math.Max(0, sq / m - (sum / m) * (sum / m));
                float inv = (float)(1.0 / Math.Sqrt(var + Eps));
                Mean[ch] = (float)mu;
                InvStd[ch] = inv;
                Var[ch] = (float)var;
                float scale = Gamma[ch] * inv;
                float shift = Beta[ch] - (float)mu * scale;
                for (int i = 0; i < N; i++)
                {
                    long o = ((long)i * C + ch) * S;
                    Elementwise.ScaleShift(new ReadOnlySpan<float>(X + o, S), scale, shift, new Span<float>(Y + o, S));
                }
            }
        }
    }

    private struct BackwardJob : IParallelJob
    {
        public float* X, DY, Gamma, Mean, InvStd, DX, DGamma, DBeta;
        public int N, C, S;

        public readonly void Execute(int begin, int end)
        {
            long m = (long)N * S;
            for (int ch = begin; ch < end; ch++)
            {
                double sumDy = 0, sumDyX = 0;
                for (int i = 0; i < N; i++)
                {
                    long o = ((long)i * C + ch) * S;
                    var dys = new ReadOnlySpan<float>(DY + o, S);
                    sumDy += Elementwise.Sum(dys);
                    sumDyX += System.Numerics.Tensors.TensorPrimitives.Dot(dys, new ReadOnlySpan<float>(X + o, S));
                }
                float mu = Mean[ch], inv = InvStd[ch];
                // Σ dy·x̂ = inv·(Σ dy·x − μ·Σ dy)
                double sumDyXhat = inv * (sumDyX - mu * sumDy);
                if (DGamma is not null)
                    DGamma[ch] = (float)sumDyXhat;
                if (DBeta is not null)
                    DBeta[ch] = (float)sumDy;
                if (DX is null)
                    continue;
                // dx = k·(dy − a − x̂·b) with k = γ·inv, a = Σdy/M, b = Σdy·x̂/M  →  dx = k·dy + (−k·b·inv)·x + k·(b·inv·μ − a)
                float k = Gamma[ch] * inv;
                double a = sumDy / m, b = sumDyXhat / m;
                float cx = (float)(-k * b * inv);
                float c0 = (float)(k * (b * inv * mu - a));
                for (int i = 0; i < N; i++)
                {
                    long o = ((long)i * C + ch) * S;
                    float* dys = DY + o, xs = X + o, dxs = DX + o;
                    for (int j = 0; j < S; j++)
                        dxs[j] = k * dys[j] + cx * xs[j] + c0;
                }
            }
        }
    }
}
