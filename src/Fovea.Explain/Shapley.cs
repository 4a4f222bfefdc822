namespace Fovea.Explain;

/// <summary>
/// Shapley values of a set function v over M features (coalitions given as bool[M], true = feature present):
/// exact by enumeration (2^M evaluations, up to <see cref="MaxExactFeatures"/> features) and KernelSHAP (Lundberg and
/// Lee 2017), the weighted linear regression with the Shapley kernel π(z) = (M − 1) / (C(M, |z|) |z| (M − |z|)) whose
/// solution with every coalition is exactly the Shapley values. Both satisfy efficiency: Σ φᵢ = v(all) − v(none).
/// v is called with lists of coalitions so that the caller can batch the model calls.
/// </summary>
public static class Shapley
{
    /// <summary>The largest M <see cref="Exact"/> accepts (2^20 coalitions).</summary>
    public const int MaxExactFeatures = 20;

    /// <summary>
    /// φᵢ = Σ_{S ⊆ N∖{i}} |S|! (M − |S| − 1)! / M! · (v(S ∪ {i}) − v(S)), with every v(S) computed once.
    /// </summary>
    public static double[] Exact(int features, Func<IReadOnlyList<bool[]>, double[]> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (features < 1 || features > MaxExactFeatures)
            throw new ArgumentOutOfRangeException(nameof(features),
                $"Shapley.Exact: 1 … {MaxExactFeatures} features, received {features}");
        int total = 1 << features;
        var coalitions = Enumerable.Range(0, total).Select(m => Coalition(m, features)).ToList();
        var v = value(coalitions);
        var weight = new double[features];   // weight of a coalition of size s not holding i
        for (int s = 0; s < features; s++)
            weight[s] = Math.Exp(LogFactorial(s) + LogFactorial(features - s - 1) - LogFactorial(features));
        var phi = new double[features];
        for (int m = 0; m < total; m++)
        {
            int size = System.Numerics.BitOperations.PopCount((uint)m);
            for (int i = 0; i < features; i++)
            {
                if ((m & (1 << i)) == 0)
                    phi[i] += weight[size] * (v[m | (1 << i)] - v[m]);
            }
        }
        return phi;
    }

    /// <summary>
    /// KernelSHAP: weighted least squares of v(z) − v(∅) on z with the Shapley kernel, constrained so that
    /// Σ φ = v(all) − v(∅) (the constraint eliminates the last feature, as the SHAP package does). With
    /// <paramref name="samples"/> ≥ 2^M − 2 every coalition is used once with its kernel weight, and the result equals
    /// <see cref="Exact"/>; otherwise <paramref name="samples"/> coalitions are drawn from the kernel (a size k with
    /// probability ∝ (M − 1) / (k (M − k)), then k features uniformly) and weighted equally. Seeded.
    /// </summary>
    public static double[] KernelShap(int features, Func<IReadOnlyList<bool[]>, double[]> value, int samples,
        long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (features < 1)
            throw new ArgumentOutOfRangeException(nameof(features),
                $"KernelShap: features must be ≥ 1, received {features}");
        var ends = value([new bool[features], Enumerable.Repeat(true, features).ToArray()]);
        double v0 = ends[0], delta = ends[1] - ends[0];
        if (features == 1)
            return [delta];
        var coalitions = new List<bool[]>();
        var weights = new List<double>();
        bool all = features < 31 && (1L << features) - 2 <= samples;
        if (all)
        {
            for (int m = 1; m < (1 << features) - 1; m++)
            {
                var z = Coalition(m, features);
                int size = z.Count(b => b);
                coalitions.Add(z);
                weights.Add((features - 1) / (Math.Exp(LogBinomial(features, size)) * size * (features - size)));
            }
        }
        else
        {
            var rng = new Tensors.Rng(seed);
            var sizeWeights = Enumerable.Range(1, features - 1).Select(k => (features - 1.0) / (k * (features - k)))
                .ToArray();
            double sum = sizeWeights.Sum();
            var order = Enumerable.Range(0, features).ToArray();
            for (int s = 0; s < samples; s++)
            {
                double u = rng.NextDouble() * sum;
                int k = 1;
                while (k < features - 1 && u > sizeWeights[k - 1])
                {
                    u -= sizeWeights[k - 1];
                    k++;
                }
                rng.Shuffle(order.AsSpan());
                var z = new bool[features];
                for (int j = 0; j < k; j++)
                    z[order[j]] = true;
                coalitions.Add(z);
                weights.Add(1);
            }
        }
        var v = value(coalitions);
        // Eliminate φ_last = delta − Σ_{j<last} φ_j: y = v − v0 − z_last·delta on columns z_j − z_last.
        int p = features - 1;
        var ata = new double[p, p];
        var aty = new double[p];
        var row = new double[p];
        for (int r = 0; r < coalitions.Count; r++)
        {
            var z = coalitions[r];
            double zl = z[p] ? 1 : 0;
            for (int j = 0; j < p; j++)
                row[j] = (z[j] ? 1 : 0) - zl;
            double y = v[r] - v0 - zl * delta, w = weights[r];
            for (int a = 0; a < p; a++)
            {
                aty[a] += w * row[a] * y;
                for (int b = 0; b < p; b++)
                    ata[a, b] += w * row[a] * row[b];
            }
        }
        var phi = LinearSolve.Solve(ata, aty);
        var result = new double[features];
        Array.Copy(phi, result, p);
        result[p] = delta - phi.Sum();
        return result;
    }

    private static bool[] Coalition(int mask, int features)
    {
        var z = new bool[features];
        for (int i = 0; i < features; i++)
            z[i] = (mask & (1 << i)) != 0;
        return z;
    }

    private static double LogFactorial(int n)
    {
        double s = 0;
        for (int i = 2; i <= n; i++)
            s += Math.Log(i);
        return s;
    }

    private static double LogBinomial(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);
}
