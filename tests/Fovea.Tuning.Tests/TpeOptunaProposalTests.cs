using System.Text.Json.Nodes;
using Fovea.Tuning;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tuning.Tests;

/// <summary>
/// Fovea's TPE proposes from the same distribution as Optuna's TPESampler given the same history
/// (tools/tuning/make_tpe_golden.py: 30 trials, 2,000 proposals by samplers seeded 0..1999).
/// </summary>
public class TpeOptunaProposalTests(ITestOutputHelper output)
{
    private static HyperParameters Space()
    {
        var hp = new HyperParameters();
        hp.Float("x1", -5, 10);
        hp.Float("x2", 0, 15);
        hp.Int("k", 0, 20, step: 4);
        hp.Float("lr", 1e-4, 1e-1, sampling: Sampling.Log);
        hp.Choice("c", ["a", "b", "c"]);
        return hp;
    }

    [Fact]
    public void Proposals_SameDistributionAsOptuna()
    {
        var golden = Golden.Json("tuning_tpe_proposals.json");
        var space = Space();
        var study = new Study(new RandomSearchOracle(), "loss", maxTrials: 10_000, space: space);
        foreach (var h in golden["history"]!.AsArray())
        {
            var t = study.Ask()!;
            var p = (JsonObject)h!["params"]!;
            var values = space.Space.ToDictionary(q => q.Name, q => q.Parse(p[q.Name]));
            study.Tell(t, (double)h["value"]!, values: values);
        }
        var optuna = golden["proposals"]!.AsArray().Select(p => (JsonObject)p!).ToList();
        var ours = Enumerable.Range(0, optuna.Count)
            .Select(seed => new TpeOracle(seed).Propose(study.Trials.Count, space, study.Trials).Values!).ToList();
        foreach (var name in new[] { "x1", "x2", "k", "lr" })
        {
            var a = optuna.Select(p => (double)p[name]!).OrderBy(v => v).ToArray();
            var b = ours.Select(v => Convert.ToDouble(v[name])).OrderBy(v => v).ToArray();
            double ks = KolmogorovSmirnov(a, b);
            output.WriteLine($"{name}: optuna quartiles {Q(a)}, fovea {Q(b)}, KS {ks:F3}");
            // Two samples of 2,000: the 0.1% critical value of the KS statistic is 1.95 * sqrt(2/2000) = 0.062.
            Assert.True(ks < 0.062, $"{name}: KS distance {ks}");
        }
        foreach (var c in new[] { "a", "b", "c" })
        {
            double pa = optuna.Count(p => (string)p["c"]! == c) / (double)optuna.Count;
            double pb = ours.Count(v => (string)v["c"] == c) / (double)ours.Count;
            output.WriteLine($"c={c}: optuna {pa:F3}, fovea {pb:F3}");
            Assert.Equal(pa, pb, 0.05);
        }
    }

    private static string Q(double[] s) => string.Join(" ", new[] { 0.25, 0.5, 0.75 }.Select(q => s[(int)(q * (s.Length - 1))].ToString("G4")));

    private static double KolmogorovSmirnov(double[] a, double[] b)
    {
        double d = 0;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            double x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
                i++;
            while (j < b.Length && b[j] <= x)
                j++;
            d = Math.Max(d, Math.Abs(i / (double)a.Length - j / (double)b.Length));
        }
        return d;
    }
}
