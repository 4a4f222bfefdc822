namespace Fovea.Explain;

/// <summary>Small dense symmetric systems (normal equations of the surrogate models) in double precision.</summary>
internal static class LinearSolve
{
    /// <summary>Solves A x = b by Gaussian elimination with partial pivoting; a singular direction (pivot below
    /// 1e-12 of the largest) gets 0, the minimum-effort choice for rank-deficient least squares.</summary>
    public static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var r = (double[])b.Clone();
        double scale = 0;
        for (int i = 0; i < n; i++)
            scale = Math.Max(scale, Math.Abs(m[i, i]));
        double tiny = Math.Max(scale, 1e-300) * 1e-12;
        var singular = new bool[n];
        for (int col = 0; col < n; col++)
        {
            int best = col;
            for (int i = col + 1; i < n; i++)
            {
                if (Math.Abs(m[i, col]) > Math.Abs(m[best, col]))
                    best = i;
            }
            if (Math.Abs(m[best, col]) < tiny)
            {
                singular[col] = true;
                continue;
            }
            if (best != col)
            {
                for (int j = 0; j < n; j++)
                    (m[col, j], m[best, j]) = (m[best, j], m[col, j]);
                (r[col], r[best]) = (r[best], r[col]);
            }
            for (int i = col + 1; i < n; i++)
            {
                double f = m[i, col] / m[col, col];
                if (f == 0)
                    continue;
                for (int j = col; j < n; j++)
                    m[i, j] -= f * m[col, j];
                r[i] -= f * r[col];
            }
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            if (singular[i])
                continue;
            double s = r[i];
            for (int j = i + 1; j < n; j++)
                s -= m[i, j] * x[j];
            x[i] = s / m[i, i];
        }
        return x;
    }
}
