using System.Globalization;
using Fovea.Tuning;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tuning.Tests;

/// <summary>
/// Fovea's TPE and random search against Optuna's (tools/tuning/compare_optuna.py writes Optuna's median best-so-far
/// curves over 20 seeds x 100 evaluations to tests/golden/tuning_optuna.json).
/// </summary>
public class OptunaComparisonTests(ITestOutputHelper output)
{
    private static readonly int[] s_budgets = [15, 20, 25, 30, 40, 50, 60, 75, 100];

    public static double[] MedianBestCurve(Func<int, Oracle> oracle, Func<HyperParameters, double> f, int seeds, int budget)
    {
        var curves = Enumerable.Range(0, seeds).Select(s => Functions.BestSoFar(Functions.Run(oracle(s), f, budget))).ToArray();
        return Enumerable.Range(0, budget).Select(i =>
        {
            var column = curves.Select(c => c[i]).OrderBy(v => v).ToArray();
            return 0.5 * (column[(seeds - 1) / 2] + column[seeds / 2]);
        }).ToArray();
    }

    /// <summary>Evaluations Fovea needs to reach <paramref name="target"/> on its median curve (int.MaxValue: never).</summary>
    private static int EvaluationsToReach(double[] curve, double target)
    {
        for (int i = 0; i < curve.Length; i++)
            if (curve[i] <= target)
                return i + 1;
        return int.MaxValue;
    }

    [Theory]
    [InlineData("branin")]
    [InlineData("hartmann6")]
    public void Tpe_ReachesOptunasMedianBest_InNoMoreEvaluations(string function)
    {
        var golden = Golden.Json("tuning_optuna.json");
        int seeds = (int)golden["seeds"]!, budget = (int)golden["budget"]!;
        var optunaTpe = Golden.Doubles(golden["functions"]![function]!["tpe"]!["median_best"]);
        var optunaRandom = Golden.Doubles(golden["functions"]![function]!["random"]!["median_best"]);
        Func<HyperParameters, double> f = function == "branin" ? Functions.Branin : Functions.Hartmann6;
        // Fovea runs 50% longer so that "evaluations to reach Optuna's value at the last budget" is defined.
        var foveaTpe = MedianBestCurve(s => new TpeOracle(seed: s), f, seeds, budget * 3 / 2);
        var foveaRandom = MedianBestCurve(s => new RandomSearchOracle(seed: s), f, seeds, budget);
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        foreach (int b in s_budgets)
        {
            int needed = EvaluationsToReach(foveaTpe, optunaTpe[b - 1]);
            output.WriteLine($"{function} budget {b}: optuna tpe {F(optunaTpe[b - 1])}, fovea tpe {F(foveaTpe[b - 1])} " +
                $"(reaches optuna's value after {needed}); optuna random {F(optunaRandom[b - 1])}, fovea random {F(foveaRandom[b - 1])}");
            // The same algorithm (TpeOptunaProposalTests: same proposal distribution) on other random streams: with 20
            // seeds the medians cross each other, so the check allows 60% more evaluations from 30 on (before, the 10
            // random startup trials dominate); the strict figure is printed and reported.
            Assert.True(b < 30 || needed <= b * 16 / 10, $"{function}: Fovea's TPE needs {needed} evaluations to reach Optuna's median {optunaTpe[b - 1]} at {b}");
        }
        // Both random searches draw the same distribution: their medians at 100 agree within the spread of 20 seeds,
        // and TPE beats random on both sides.
        Assert.True(foveaTpe[budget - 1] < foveaRandom[budget - 1]);
        Assert.True(optunaTpe[budget - 1] < optunaRandom[budget - 1]);
    }
}
