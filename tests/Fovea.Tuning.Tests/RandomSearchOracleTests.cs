using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public class RandomSearchOracleTests
{
    [Fact]
    public void Propose_SameSeed_SameTrials_OtherSeed_Others()
    {
        var a = Functions.Run(new RandomSearchOracle(seed: 7), Functions.Branin, 20);
        var b = Functions.Run(new RandomSearchOracle(seed: 7), Functions.Branin, 20);
        var c = Functions.Run(new RandomSearchOracle(seed: 8), Functions.Branin, 20);
        Assert.Equal(a.Trials.Select(t => t.Score), b.Trials.Select(t => t.Score));
        Assert.NotEqual(a.Trials.Select(t => t.Score), c.Trials.Select(t => t.Score));
    }

    [Fact]
    public void Propose_UniformOverTheBox()
    {
        // 400 draws of x1 uniform on [-5, 10]: mean 2.5, standard error 15/sqrt(12*400) = 0.22; 1.0 is > 4 sigma.
        var s = Functions.Run(new RandomSearchOracle(seed: 1), Functions.Branin, 400);
        var x1 = s.Trials.Select(t => (double)t.Values["x1"]).ToList();
        Assert.All(x1, v => Assert.InRange(v, -5, 10));
        Assert.InRange(x1.Average(), 1.5, 3.5);
    }
}
