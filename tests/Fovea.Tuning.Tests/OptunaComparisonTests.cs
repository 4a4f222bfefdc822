using System.Globalization;
using Fovea.Tuning;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tuning.Tests;

/// <summary>
/// Fovea's TPE and random search side by side with Optuna's (tools/tuning/compare_optuna.py writes Optuna's median
/// best-so-far curves and each seed's best at 10, 20, 30, 50, 75, 100 evaluations, 20 seeds, to
/// tests/golden/tuning_optuna.json).
/// </summary>
public class OptunaComparisonTests(ITestOutputHelper output)
{
    private static readonly int[] s_budgets = [20, 30, 50, 75, 100];

    public static double[][] Curves(Func<int, Oracle> oracle, Func<HyperParameters, double> f, int seeds, int budget) =>
        Enumerable.Range(0, seeds).Select(s => Functions.BestSoFar(Functions.Run(oracle(s), f, budget))).ToArray();

    public static double[] Median(double[][] curves) => Enumerable.Range(0, curves[0].Length).Select(i =>
    {
        var column = curves.Select(c => c[i]).OrderBy(v => v).ToArray();
        return 0.5 * (column[(column.Length - 1) / 2] + column[column.Length / 2]);
    }).ToArray();

    /// <summary>Evaluations the median curve needs to reach <paramref name="target"/> (int.MaxValue: never).</summary>
    private static int EvaluationsToReach(double[] curve, double target)
    {
        for (int i = 0; i < curve.Length; i++)
            if (curve[i] <= target)
                return i + 1;
        return int.MaxValue;
    }

    /// <summary>
    /// One-sided Mann-Whitney U: z for "<paramref name="ours"/> tends to be larger (worse) than
    /// <paramref name="theirs"/>" (normal approximation, ties counted half).
    /// </summary>
    private static double MannWhitneyZ(double[] ours, double[] theirs)
    {
        double u = 0;
        foreach (double a in ours)
            foreach (double b in theirs)
                u += a > b ? 1 : a == b ? 0.5 : 0;
        double n1 = ours.Length, n2 = theirs.Length;
        return (u - n1 * n2 / 2) / Math.Sqrt(n1 * n2 * (n1 + n2 + 1) / 12);
    }

    [Theory]
    [InlineData("branin")]
    [InlineData("hartmann6")]
    public void Tpe_SideBySideWithOptuna(string function)
    {
        var golden = Golden.Json("tuning_optuna.json");
        int seeds = (int)golden["seeds"]!, budget = (int)golden["budget"]!;
        var g = golden["functions"]![function]!;
        var optunaTpe = Golden.Doubles(g["tpe"]!["median_best"]);
        var optunaRandom = Golden.Doubles(g["random"]!["median_best"]);
        Func<HyperParameters, double> f = function == "branin" ? Functions.Branin : Functions.Hartmann6;
        var tpeCurves = Curves(s => new TpeOracle(seed: s), f, seeds, budget);
        var foveaTpe = Median(tpeCurves);
        var foveaRandom = Median(Curves(s => new RandomSearchOracle(seed: s), f, seeds, budget));
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        foreach (int b in s_budgets)
        {
            int reach = EvaluationsToReach(foveaTpe, optunaTpe[b - 1]);
            string needed = reach == int.MaxValue ? $"> {budget}" : $"{reach}";
            var ours = tpeCurves.Select(c => c[b - 1]).ToArray();
            var theirs = Golden.Doubles(g["tpe"]!["best_at"]![b.ToString(CultureInfo.InvariantCulture)]);
            double z = MannWhitneyZ(ours, theirs);
            output.WriteLine($"{function} budget {b}: optuna tpe {F(optunaTpe[b - 1])}, fovea tpe {F(foveaTpe[b - 1])} " +
                $"(reaches optuna's median after {needed}; Mann-Whitney z {z:F2}); optuna random {F(optunaRandom[b - 1])}, " +
                $"fovea random {F(foveaRandom[b - 1])}");
            // The same algorithm (TpeOptunaProposalTests) on other random streams: over 20 seeds the medians cross
            // each other (Optuna's own seeds 100-139 give 0.439 and 0.445 on Branin at 75 where seeds 0-19 give
            // 0.411), so the assertion is that Fovea is not significantly worse: one-sided Mann-Whitney at the 1%
            // level (z < 2.33). The strict "evaluations to reach" figure is printed and reported.
            Assert.True(z < 2.33, $"{function} at {b}: Fovea's TPE significantly worse than Optuna's (z = {z:F2})");
        }
        Assert.True(foveaTpe[budget - 1] < foveaRandom[budget - 1]);
        Assert.True(optunaTpe[budget - 1] < optunaRandom[budget - 1]);
    }
}
