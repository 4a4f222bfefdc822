namespace Fovea.Explain;

/// <summary>
/// Weighted ridge regression with an unpenalised intercept (scikit-learn's <c>Ridge(alpha)</c> fitted with
/// <c>sample_weight</c>, LIME's default surrogate): minimises Σᵣ wᵣ (yᵣ − b − xᵣ·β)² + α‖β‖², by centring X and y on
/// their weighted means and solving (Xcᵀ W Xc + α I) β = Xcᵀ W yc; b = ȳ − x̄·β.
/// </summary>
public static class WeightedRidge
{
    /// <summary>Fits rows <paramref name="x"/> (each of the same length) to <paramref name="y"/>.</summary>
    /// <returns>The coefficients β, the intercept b, and the weighted R² of the fit (LIME's <c>score</c>).</returns>
    public static (double[] Coefficients, double Intercept, double Score) Fit(IReadOnlyList<double[]> x,
        IReadOnlyList<double> y, IReadOnlyList<double> weights, double alpha = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(weights);
        int n = x.Count;
        if (n == 0 || y.Count != n || weights.Count != n)
            throw new ArgumentException($"WeightedRidge: {n} rows, {y.Count} targets, {weights.Count} weights");
        int p = x[0].Length;
        double sw = weights.Sum();
        var mx = new double[p];
        double my = 0;
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < p; j++)
                mx[j] += weights[r] * x[r][j] / sw;
            my += weights[r] * y[r] / sw;
        }
        var ata = new double[p, p];
        var aty = new double[p];
        var row = new double[p];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < p; j++)
                row[j] = x[r][j] - mx[j];
            double yc = y[r] - my, w = weights[r];
            for (int a = 0; a < p; a++)
            {
                aty[a] += w * row[a] * yc;
                for (int b = 0; b < p; b++)
                    ata[a, b] += w * row[a] * row[b];
            }
        }
        for (int j = 0; j < p; j++)
            ata[j, j] += alpha;
        var beta = LinearSolve.Solve(ata, aty);
        double intercept = my;
        for (int j = 0; j < p; j++)
            intercept -= mx[j] * beta[j];
        double ssRes = 0, ssTot = 0;
        for (int r = 0; r < n; r++)
        {
            double pred = intercept;
            for (int j = 0; j < p; j++)
                pred += beta[j] * x[r][j];
            ssRes += weights[r] * (y[r] - pred) * (y[r] - pred);
            ssTot += weights[r] * (y[r] - my) * (y[r] - my);
        }
        return (beta, intercept, ssTot > 0 ? 1 - ssRes / ssTot : 1);
    }
}
