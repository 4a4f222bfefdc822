using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public class PrunerTests
{
    private static (Study Study, List<Trial> Trials) Curves(Objective objective, params double[][] curves)
    {
        var space = new HyperParameters();
        space.Float("x", 0, 1);
        var study = new Study(new RandomSearchOracle(), objective, maxTrials: 100, space: space);
        var trials = new List<Trial>();
        foreach (var curve in curves)
        {
            var t = study.Ask()!;
            for (int s = 0; s < curve.Length; s++)
                study.Report(t, s + 1, curve[s]);
            study.Tell(t, curve.Min());
            trials.Add(t);
        }
        return (study, trials);
    }

    [Fact]
    public void Median_PrunesAboveTheMedianAtTheStep_AfterStartup()
    {
        // Five completed loss curves; at step 2 their values are 0.5, 0.6, 0.7, 0.8, 0.9: median 0.7.
        var (study, _) = Curves("loss", [1, 0.5], [1, 0.6], [1, 0.7], [1, 0.8], [1, 0.9]);
        var pruner = new MedianPruner();
        var t = study.Ask()!;
        study.Report(t, 1, 1.0);
        study.Report(t, 2, 0.75);
        Assert.True(pruner.ShouldPrune(t, study.Trials.Append(t).ToList(), study.Objective));
        study.Report(t, 2, 0.65);
        Assert.False(pruner.ShouldPrune(t, study.Trials.Append(t).ToList(), study.Objective));
        Assert.False(new MedianPruner(nStartupTrials: 6).ShouldPrune(t, study.Trials.ToList(), study.Objective));
        Assert.False(new MedianPruner(nWarmupSteps: 3).ShouldPrune(t, study.Trials.ToList(), study.Objective));
    }

    [Fact]
    public void SuccessiveHalving_KeepsTheTopQuarterAtEachRung()
    {
        // Rungs (minResource 1, eta 4) end at steps 1, 4, 16. Eight finished accuracies at step 1: 0.1 ... 0.8;
        // with the new trial nine values compete: top 9/4 = 2 continue, so 0.75 continues (2nd) and 0.65 stops.
        var curves = Enumerable.Range(1, 8).Select(i => new[] { i / 10.0 }).ToArray();
        var (study, _) = Curves("accuracy", curves);
        var pruner = new SuccessiveHalvingPruner();
        var t = study.Ask()!;
        study.Report(t, 1, 0.75);
        Assert.False(pruner.ShouldPrune(t, study.Trials.ToList(), study.Objective));
        var u = study.Ask()!;
        study.Report(u, 1, 0.65);
        Assert.True(pruner.ShouldPrune(u, study.Trials.ToList(), study.Objective));
        Assert.Equal(4, pruner.RungStep(1));
        Assert.False(pruner.ShouldPrune(t, study.Trials.ToList(), study.Objective));   // no report at step 4 yet: still rung 0's verdict
    }
}
