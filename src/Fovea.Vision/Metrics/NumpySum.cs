namespace Fovea.Vision.Metrics;

/// <summary>Sums in the order numpy sums, so means and areas come out as the same doubles as the Python
/// references (pycocotools, voc_eval.py).</summary>
internal static class NumpySum
{
    /// <summary>numpy's <c>np.add.reduce</c> of a 1-D float64 array: pairwise sums of blocks of 8192 values (its
    /// buffer size), added in order.</summary>
    public static double Sum(ReadOnlySpan<double> a)
    {
        const int block = 8192;
        double res = 0;
        for (int i = 0; i < a.Length; i += block)
            res += Pairwise(a.Slice(i, Math.Min(block, a.Length - i)));
        return res;
    }

    /// <summary>numpy's pairwise summation (<c>pairwise_sum</c> in its loops): plain below 8 values, 8 interleaved
    /// partial sums up to 128, halves (at a multiple of 8) above.</summary>
    public static double Pairwise(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double res = 0;
            foreach (double v in a)
                res += v;
            return res;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i = 8;
            for (; i < n - n % 8; i += 8)
            {
                for (int j = 0; j < 8; j++)
                    r[j] += a[i + j];
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++)
                res += a[i];
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return Pairwise(a[..half]) + Pairwise(a[half..]);
    }
}
