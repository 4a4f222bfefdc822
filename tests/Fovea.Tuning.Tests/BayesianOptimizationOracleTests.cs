using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public class BayesianOptimizationOracleTests
{
    [Theory]
    [InlineData(Acquisition.ExpectedImprovement)]
    [InlineData(Acquisition.UpperConfidenceBound)]
    public void Propose_FindsTheMinimumOfASmoothFunction(Acquisition acquisition)
    {
        // f = (x - 0.3)^2 + (y - 0.6)^2 on the unit square. Random search's best of 20 draws is ~1e-2 on average; a GP
        // with a sensible acquisition gets within 1e-2 in 20 trials (5 random + 15 guided).
        var s = Functions.Run(new BayesianOptimizationOracle(seed: 4, numInitialPoints: 5, acquisition: acquisition),
            hp => Math.Pow(hp.Float("x", 0, 1) - 0.3, 2) + Math.Pow(hp.Float("y", 0, 1) - 0.6, 2), 20);
        Assert.True(s.BestTrials(1)[0].Score < 1e-2, $"best {s.BestTrials(1)[0].Score}");
    }

    [Fact]
    public void Propose_Reproducible()
    {
        var a = Functions.Run(new BayesianOptimizationOracle(seed: 9, numInitialPoints: 4), Functions.Branin, 12);
        var b = Functions.Run(new BayesianOptimizationOracle(seed: 9, numInitialPoints: 4), Functions.Branin, 12);
        Assert.Equal(a.Trials.Select(t => t.Score), b.Trials.Select(t => t.Score));
    }

    [Fact]
    public void Maximize_Direction_IsRespected()
    {
        var s = Functions.Run(new BayesianOptimizationOracle(seed: 1, numInitialPoints: 4),
            hp => 1 - Math.Pow(hp.Float("x", 0, 1) - 0.8, 2), 14, new Objective("acc", Direction.Maximize));
        Assert.True(s.BestTrials(1)[0].Score > 0.99, $"best {s.BestTrials(1)[0].Score}");
    }
}
