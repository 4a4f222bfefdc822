namespace Fovea.Tuning;

/// <summary>
/// Gaussian-process regression with a Matérn 5/2 kernel with one length scale per input (ARD) and Gaussian noise,
/// the model behind <see cref="BayesianOptimizationOracle"/>. k(x, x') = amplitude · (1 + √5 r + 5r²/3) · exp(-√5 r),
/// r² = Σ_d ((x_d - x'_d) / ℓ_d)²; observations carry noise variance <see cref="Noise"/>. The posterior at x has
/// mean k*ᵀ K⁻¹ y and variance k(x, x) - k*ᵀ K⁻¹ k* (the latent function, noise excluded), as scikit-learn's
/// <c>GaussianProcessRegressor</c> with <c>ConstantKernel * Matern(nu=2.5)</c> and <c>alpha = noise</c>.
/// <see cref="Fit"/> chooses amplitude, length scales and noise by maximising the log marginal likelihood.
/// </summary>
public sealed class GaussianProcess
{
    private const double Jitter = 1e-10;
    private static readonly double s_sqrt5 = Math.Sqrt(5);
    private readonly double[][] _x;
    private readonly double[] _y;
    private readonly double[,] _chol;
    private readonly double[] _alpha;

    /// <summary>A process with fixed hyperparameters, conditioned on <paramref name="x"/> [n][d] and <paramref name="y"/> [n].</summary>
    public GaussianProcess(double[][] x, double[] y, double amplitude, double[] lengthScales, double noise)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(lengthScales);
        if (x.Length != y.Length || x.Length == 0)
            throw new ArgumentException($"GaussianProcess: expected as many targets as inputs (> 0), received {x.Length} inputs and {y.Length} targets");
        if (x.Any(r => r.Length != lengthScales.Length))
            throw new ArgumentException($"GaussianProcess: every input needs {lengthScales.Length} coordinates (one per length scale)");
        _x = x;
        _y = y;
        Amplitude = amplitude;
        LengthScales = (double[])lengthScales.Clone();
        Noise = noise;
        var k = Covariance(x, amplitude, LengthScales, noise);
        _chol = Cholesky(k) ?? throw new InvalidOperationException("GaussianProcess: the covariance is not positive definite");
        _alpha = Solve(_chol, y);
        LogMarginalLikelihood = Lml(_chol, _alpha, y);
    }

    /// <summary>Signal variance (scikit-learn's ConstantKernel value).</summary>
    public double Amplitude { get; }

    /// <summary>One length scale per input dimension.</summary>
    public IReadOnlyList<double> LengthScales { get; }

    /// <summary>Observation noise variance.</summary>
    public double Noise { get; }

    /// <summary>log p(y | X, hyperparameters).</summary>
    public double LogMarginalLikelihood { get; }

    /// <summary>Bounds of the fit, scikit-learn style: (min, max) of amplitude, each length scale and noise.</summary>
    public sealed record Bounds((double Min, double Max) Amplitude, (double Min, double Max) LengthScale, (double Min, double Max) Noise)
    {
        /// <summary>amplitude [1e-3, 1e3], length scales [1e-2, 1e2], noise [1e-6, 1].</summary>
        public static Bounds Default { get; } = new((1e-3, 1e3), (1e-2, 1e2), (1e-6, 1.0));
    }

    /// <summary>
    /// Fits amplitude, length scales and noise by maximising the log marginal likelihood (analytic gradient,
    /// quasi-Newton ascent in log space within <paramref name="bounds"/>), from amplitude 1, length scales 1, noise
    /// 1e-2 and <paramref name="restarts"/> random starts drawn uniformly in the log bounds; the best optimum wins.
    /// </summary>
    public static GaussianProcess Fit(double[][] x, double[] y, Bounds? bounds = null, int restarts = 5, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        bounds ??= Bounds.Default;
        int d = x[0].Length;
        var lo = new double[d + 2];
        var hi = new double[d + 2];
        lo[0] = Math.Log(bounds.Amplitude.Min);
        hi[0] = Math.Log(bounds.Amplitude.Max);
        for (int i = 1; i <= d; i++)
        {
            lo[i] = Math.Log(bounds.LengthScale.Min);
            hi[i] = Math.Log(bounds.LengthScale.Max);
        }
        lo[d + 1] = Math.Log(bounds.Noise.Min);
        hi[d + 1] = Math.Log(bounds.Noise.Max);
        var start = new double[d + 2];
        start[d + 1] = Math.Log(1e-2);
        for (int i = 0; i < start.Length; i++)
            start[i] = Math.Clamp(start[i], lo[i], hi[i]);
        var rng = new Random(seed);
        double[]? best = null;
        double bestValue = double.NegativeInfinity;
        for (int run = 0; run <= restarts; run++)
        {
            var theta = run == 0 ? start : lo.Select((l, i) => l + rng.NextDouble() * (hi[i] - l)).ToArray();
            var (t, v) = Maximize(x, y, theta, lo, hi);
            if (v > bestValue)
            {
                bestValue = v;
                best = t;
            }
        }
        best ??= start;
        return new GaussianProcess(x, y, Math.Exp(best[0]), best.Skip(1).Take(d).Select(Math.Exp).ToArray(), Math.Exp(best[d + 1]));
    }

    /// <summary>Posterior mean and variance of the latent function at <paramref name="point"/>.</summary>
    public (double Mean, double Variance) Predict(double[] point)
    {
        ArgumentNullException.ThrowIfNull(point);
        int n = _x.Length;
        var ks = new double[n];
        for (int i = 0; i < n; i++)
            ks[i] = Amplitude * Matern(Distance(point, _x[i], LengthScales));
        double mean = 0;
        for (int i = 0; i < n; i++)
            mean += ks[i] * _alpha[i];
        var v = ForwardSubstitute(_chol, ks);
        double variance = Amplitude - v.Sum(t => t * t);
        return (mean, Math.Max(variance, 0));
    }

    internal static double Matern(double r) => (1 + s_sqrt5 * r + 5.0 / 3.0 * r * r) * Math.Exp(-s_sqrt5 * r);

    private static double Distance(double[] a, double[] b, IReadOnlyList<double> scales)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double t = (a[k] - b[k]) / scales[k];
            s += t * t;
        }
        return Math.Sqrt(s);
    }

    private static double[,] Covariance(double[][] x, double amplitude, IReadOnlyList<double> scales, double noise)
    {
        int n = x.Length;
        var k = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
                k[i, j] = k[j, i] = amplitude * Matern(Distance(x[i], x[j], scales));
            k[i, i] += noise + Jitter;
        }
        return k;
    }

    /// <summary>Log marginal likelihood and its gradient with respect to θ = (log amplitude, log ℓ_1..d, log noise).</summary>
    private static (double Value, double[] Gradient) LmlAndGradient(double[][] x, double[] y, double[] theta)
    {
        int n = x.Length, d = x[0].Length;
        double amp = Math.Exp(theta[0]), noise = Math.Exp(theta[d + 1]);
        var scales = theta.Skip(1).Take(d).Select(Math.Exp).ToArray();
        var k = Covariance(x, amp, scales, noise);
        var l = Cholesky(k);
        if (l is null)
            return (double.NegativeInfinity, new double[d + 2]);
        var alpha = Solve(l, y);
        double value = Lml(l, alpha, y);
        // W = α αᵀ - K⁻¹; dLML/dθ = ½ Σ_ij W_ij dK_ij/dθ.
        var kinv = new double[n, n];
        var e = new double[n];
        for (int j = 0; j < n; j++)
        {
            Array.Clear(e);
            e[j] = 1;
            var col = Solve(l, e);
            for (int i = 0; i < n; i++)
                kinv[i, j] = col[i];
        }
        var grad = new double[d + 2];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double w = alpha[i] * alpha[j] - kinv[i, j];
                double r = Distance(x[i], x[j], scales);
                grad[0] += w * amp * Matern(r);
                double common = amp * 5.0 / 3.0 * (1 + s_sqrt5 * r) * Math.Exp(-s_sqrt5 * r);
                for (int q = 0; q < d; q++)
                {
                    double t = (x[i][q] - x[j][q]) / scales[q];
                    grad[q + 1] += w * common * t * t;
                }
                if (i == j)
                    grad[d + 1] += w * noise;
            }
        }
        for (int q = 0; q < grad.Length; q++)
            grad[q] *= 0.5;
        return (value, grad);
    }

    /// <summary>Projected BFGS ascent with backtracking (Armijo) inside the box [lo, hi].</summary>
    private static (double[] Theta, double Value) Maximize(double[][] x, double[] y, double[] theta0, double[] lo, double[] hi)
    {
        int m = theta0.Length;
        var theta = (double[])theta0.Clone();
        var (value, grad) = LmlAndGradient(x, y, theta);
        var h = Identity(m);
        for (int iter = 0; iter < 200 && double.IsFinite(value); iter++)
        {
            var dir = new double[m];
            for (int i = 0; i < m; i++)
                for (int j = 0; j < m; j++)
                    dir[i] += h[i, j] * grad[j];
            // Do not push against an active bound.
            for (int i = 0; i < m; i++)
                if ((theta[i] <= lo[i] && dir[i] < 0) || (theta[i] >= hi[i] && dir[i] > 0))
                    dir[i] = 0;
            if (Dot(dir, grad) <= 1e-14)
            {
                h = Identity(m);
                dir = (double[])grad.Clone();
                for (int i = 0; i < m; i++)
                    if ((theta[i] <= lo[i] && dir[i] < 0) || (theta[i] >= hi[i] && dir[i] > 0))
                        dir[i] = 0;
                if (Math.Sqrt(Dot(dir, dir)) < 1e-8)
                    break;
            }
            double step = 1;
            double[] next;
            double nextValue;
            double[] nextGrad;
            while (true)
            {
                next = theta.Select((t, i) => Math.Clamp(t + step * dir[i], lo[i], hi[i])).ToArray();
                (nextValue, nextGrad) = LmlAndGradient(x, y, next);
                double gain = Dot(grad, next.Select((t, i) => t - theta[i]).ToArray());
                if (double.IsFinite(nextValue) && nextValue >= value + 1e-4 * gain)
                    break;
                step *= 0.5;
                if (step < 1e-10)
                    return (theta, value);
            }
            var s = next.Select((t, i) => t - theta[i]).ToArray();
            var yv = grad.Select((g, i) => g - nextGrad[i]).ToArray();   // ascent: use -∇ differences
            double sy = Dot(s, yv);
            double improvement = nextValue - value;
            theta = next;
            value = nextValue;
            grad = nextGrad;
            if (sy > 1e-12)
                h = BfgsUpdate(h, s, yv, sy);
            if (improvement < 1e-10 && Math.Sqrt(Dot(s, s)) < 1e-9)
                break;
        }
        return (theta, value);
    }

    private static double[,] BfgsUpdate(double[,] h, double[] s, double[] y, double sy)
    {
        int m = s.Length;
        var hy = new double[m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                hy[i] += h[i, j] * y[j];
        double yhy = Dot(y, hy);
        var next = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
                next[i, j] = h[i, j] + (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
        return next;
    }

    private static double[,] Identity(int m)
    {
        var h = new double[m, m];
        for (int i = 0; i < m; i++)
            h[i, i] = 1;
        return h;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
            s += a[i] * b[i];
        return s;
    }

    private static double Lml(double[,] l, double[] alpha, double[] y)
    {
        int n = y.Length;
        double v = -0.5 * Dot(y, alpha) - 0.5 * n * Math.Log(2 * Math.PI);
        for (int i = 0; i < n; i++)
            v -= Math.Log(l[i, i]);
        return v;
    }

    private static double[,]? Cholesky(double[,] a)
    {
        int n = a.GetLength(0);
        var l = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = a[i, j];
                for (int k = 0; k < j; k++)
                    s -= l[i, k] * l[j, k];
                if (i == j)
                {
                    if (!(s > 0))
                        return null;
                    l[i, i] = Math.Sqrt(s);
                }
                else
                    l[i, j] = s / l[j, j];
            }
        }
        return l;
    }

    private static double[] ForwardSubstitute(double[,] l, double[] b)
    {
        int n = b.Length;
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++)
                s -= l[i, k] * z[k];
            z[i] = s / l[i, i];
        }
        return z;
    }

    private static double[] Solve(double[,] l, double[] b)
    {
        int n = b.Length;
        var z = ForwardSubstitute(l, b);
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double s = z[i];
            for (int k = i + 1; k < n; k++)
                s -= l[k, i] * x[k];
            x[i] = s / l[i, i];
        }
        return x;
    }
}
