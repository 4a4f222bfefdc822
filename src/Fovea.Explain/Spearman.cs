namespace Fovea.Explain;

/// <summary>Spearman's rank correlation: Pearson's correlation of the ranks, ties given their mean rank.</summary>
public static class Spearman
{
    /// <summary>ρ of <paramref name="a"/> and <paramref name="b"/> (same length ≥ 2); 0 when either is constant.
    /// </summary>
    public static double Correlation(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length < 2)
            throw new ArgumentException("Spearman: expected two sequences of the same length ≥ 2, received " +
                $"{a.Length} and {b.Length}");
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : 0;
    }

    /// <summary>Ranks 1 … n, ties averaged.</summary>
    public static double[] Ranks(ReadOnlySpan<float> v)
    {
        var values = v.ToArray();
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
                j++;
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
                ranks[order[k]] = mean;
            i = j + 1;
        }
        return ranks;
    }
}
