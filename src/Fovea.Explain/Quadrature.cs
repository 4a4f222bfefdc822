namespace Fovea.Explain;

/// <summary>Points α ∈ [0, 1] and weights of the integration rules.</summary>
internal static class Quadrature
{
    public static (double[] Alphas, double[] Weights) Of(IntegrationRule rule, int steps)
    {
        if (steps < 1 || (rule == IntegrationRule.RiemannTrapezoid && steps < 2))
            throw new ArgumentOutOfRangeException(nameof(steps),
                $"{rule} needs at least {(rule == IntegrationRule.RiemannTrapezoid ? 2 : 1)} steps, received {steps}");
        var a = new double[steps];
        var w = new double[steps];
        switch (rule)
        {
            case IntegrationRule.GaussLegendre:
                return GaussLegendre(steps);
            case IntegrationRule.RiemannTrapezoid:
                for (int k = 0; k < steps; k++)
                {
                    a[k] = (double)k / (steps - 1);
                    w[k] = 1.0 / (steps - 1);
                }
                w[0] *= 0.5;
                w[^1] *= 0.5;
                return (a, w);
            default:
                double shift = rule switch
                {
                    IntegrationRule.RiemannLeft => 0,
                    IntegrationRule.RiemannRight => 1,
                    _ => 0.5,
                };
                for (int k = 0; k < steps; k++)
                {
                    a[k] = (k + shift) / steps;
                    w[k] = 1.0 / steps;
                }
                return (a, w);
        }
    }

    /// <summary>Gauss–Legendre rule of <paramref name="m"/> points on [0, 1]: the roots t of the Legendre polynomial
    /// Pₘ on [−1, 1] by Newton's method from Chebyshev guesses, weights 2 / ((1 − t²) Pₘ'(t)²), mapped by
    /// α = (t + 1)/2, w/2. Ascending α.</summary>
    public static (double[] Alphas, double[] Weights) GaussLegendre(int m)
    {
        var a = new double[m];
        var w = new double[m];
        for (int i = 0; i < m; i++)
        {
            double t = -Math.Cos(Math.PI * (i + 0.75) / (m + 0.5));
            for (int iter = 0; iter < 100; iter++)
            {
                (double p, double d) = Legendre(m, t);
                double step = p / d;
                t -= step;
                if (Math.Abs(step) < 1e-15)
                    break;
            }
            double dp = Legendre(m, t).Derivative;
            a[i] = (t + 1) / 2;
            w[i] = 1 / ((1 - t * t) * dp * dp);
        }
        return (a, w);
    }

    private static (double Value, double Derivative) Legendre(int m, double t)
    {
        double p0 = 1, p1 = t;
        if (m == 0)
            return (1, 0);
        for (int k = 2; k <= m; k++)
        {
            double p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        return (p1, m * (t * p1 - p0) / (t * t - 1));
    }
}
