using Fovea.Tuning;

namespace Fovea.Tuning.Tests;

/// <summary>Benchmark objectives with known minima, and a loop that runs a study on one.</summary>
internal static class Functions
{
    /// <summary>Branin on [-5, 10] x [0, 15]; global minimum 0.397887 (three places).</summary>
    public static double Branin(HyperParameters hp)
    {
        double x1 = hp.Float("x1", -5, 10), x2 = hp.Float("x2", 0, 15);
        const double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        double q = x2 - b * x1 * x1 + c * x1 - r;
        return a * q * q + s * (1 - t) * Math.Cos(x1) + s;
    }

    private static readonly double[] s_alpha = [1.0, 1.2, 3.0, 3.2];
    private static readonly double[,] s_a = { { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 } };
    private static readonly double[,] s_p = { { 1312, 1696, 5569, 124, 8283, 5886 }, { 2329, 4135, 8307, 3736, 1004, 9991 }, { 2348, 1451, 3522, 2883, 3047, 6650 }, { 4047, 8828, 8732, 5743, 1091, 381 } };

    /// <summary>Hartmann-6 on [0, 1]^6; global minimum -3.32237.</summary>
    public static double Hartmann6(HyperParameters hp)
    {
        var x = Enumerable.Range(0, 6).Select(i => hp.Float($"x{i}", 0, 1)).ToArray();
        double sum = 0;
        for (int i = 0; i < 4; i++)
        {
            double inner = 0;
            for (int j = 0; j < 6; j++)
                inner += s_a[i, j] * Math.Pow(x[j] - s_p[i, j] * 1e-4, 2);
            sum += s_alpha[i] * Math.Exp(-inner);
        }
        return -sum;
    }

    /// <summary>Runs <paramref name="trials"/> trials of <paramref name="f"/> in memory; returns the study.</summary>
    public static Study Run(Oracle oracle, Func<HyperParameters, double> f, int trials, Objective? objective = null)
    {
        var study = new Study(oracle, objective ?? "loss", trials);
        while (study.Ask() is { } trial)
        {
            var hp = study.HyperParametersFor(trial);
            double y = f(hp);
            study.Tell(trial, y, values: hp.Values);
        }
        return study;
    }

    /// <summary>Best-so-far after each trial.</summary>
    public static double[] BestSoFar(Study study)
    {
        var result = new double[study.Trials.Count];
        double best = double.PositiveInfinity;
        foreach (var (t, i) in study.Trials.OrderBy(t => t.Number).Select((t, i) => (t, i)))
            result[i] = best = Math.Min(best, t.Score!.Value);
        return result;
    }
}
