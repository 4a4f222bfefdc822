namespace Fovea.Tuning;

/// <summary>The standard normal distribution: density, CDF (with accurate tails) and truncated draws.</summary>
internal static class Normal
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double LogSqrt2Pi = 0.91893853320467274178;

    public static double LogPdf(double z) => -0.5 * z * z - LogSqrt2Pi;

    public static double Pdf(double z) => Math.Exp(LogPdf(z));

    /// <summary>Φ(z), from erfc so the lower tail keeps its relative accuracy.</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z * InvSqrt2);

    /// <summary>
    /// erfc(x) by the Chebyshev-fitted exponential of Press et al. (Numerical Recipes, erfcc): relative error below
    /// 1.2e-7 everywhere, tails included.
    /// </summary>
    public static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }

    /// <summary>log(Φ(b) - Φ(a)) for a &lt; b, computed on the side of zero where the masses are not close to 1.</summary>
    public static double LogMass(double a, double b)
    {
        if (a > 0)
            return LogMass(-b, -a);
        double mass = Cdf(b) - Cdf(a);
        return Math.Log(Math.Max(mass, 1e-300));
    }

    /// <summary>A draw from N(0, 1) truncated to [a, b], by inverting the CDF (bisection on the lower-tail side).</summary>
    public static double SampleTruncated(Random rng, double a, double b)
    {
        if (a > 0)
            return -SampleTruncated(rng, -b, -a);
        double lo = Cdf(a), hi = Cdf(b);
        double u = lo + rng.NextDouble() * (hi - lo);
        double left = Math.Max(a, -40), right = Math.Min(b, 40);
        for (int i = 0; i < 100 && right - left > 1e-13 * Math.Max(1, Math.Abs(left)); i++)
        {
            double mid = 0.5 * (left + right);
            if (Cdf(mid) < u)
                left = mid;
            else
                right = mid;
        }
        return 0.5 * (left + right);
    }
}
