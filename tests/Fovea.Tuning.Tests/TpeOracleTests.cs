using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public class TpeOracleTests
{
    [Fact]
    public void Gamma_And_Weights_AsOptuna()
    {
        // Optuna 3.1 default_gamma: min(ceil(0.1 n), 25); default_weights: ones below 25, else linspace(1/n, 1, n - 25) + ones(25).
        Assert.Equal(1, TpeOracle.Gamma(10));
        Assert.Equal(2, TpeOracle.Gamma(11));
        Assert.Equal(25, TpeOracle.Gamma(1000));
        Assert.All(TpeOracle.Weights(24), w => Assert.Equal(1.0, w));
        var w30 = TpeOracle.Weights(30);
        Assert.Equal(1.0 / 30, w30[0], 12);
        Assert.Equal(1.0, w30[4], 12);
        Assert.Equal(1.0 / 30 + (1 - 1.0 / 30) * 2 / 4, w30[2], 12);
        Assert.All(w30.Skip(5), w => Assert.Equal(1.0, w));
    }

    [Fact]
    public void Propose_Reproducible()
    {
        var a = Functions.Run(new TpeOracle(seed: 5), Functions.Branin, 30);
        var b = Functions.Run(new TpeOracle(seed: 5), Functions.Branin, 30);
        Assert.Equal(a.Trials.Select(t => t.Score), b.Trials.Select(t => t.Score));
    }

    [Fact]
    public void Propose_StartupTrialsRandom_ThenConcentratesNearTheOptimum()
    {
        // 1-D: f(x) = (x - 0.7)^2 on [0, 1]. After the 10 random startup trials TPE draws from l(x), built on the best
        // 10%: the last 20 of 60 trials should sit within 0.1 of the optimum at least 2.5 times as often as uniform draws (20%: P(>= 10 of 20) = 0.003).
        var s = Functions.Run(new TpeOracle(seed: 2), hp => Math.Pow(hp.Float("x", 0, 1) - 0.7, 2), 60);
        int near = s.Trials.Skip(40).Count(t => Math.Abs((double)t.Values["x"] - 0.7) < 0.1);
        Assert.True(near >= 10, $"{near} of 20 late trials within 0.1 of the optimum");
    }

    [Fact]
    public void Propose_IntegerLogAndCategorical_StayInTheirDomains()
    {
        var s = Functions.Run(new TpeOracle(seed: 1), hp =>
        {
            int n = hp.Int("n", 1, 1000, sampling: Sampling.Log);
            int k = hp.Int("k", 0, 20, step: 4);
            string c = hp.Choice("c", ["a", "b", "c"]);
            return Math.Abs(Math.Log(n) - Math.Log(50)) + Math.Abs(k - 8) + (c == "b" ? 0 : 1);
        }, 60);
        Assert.All(s.Trials, t =>
        {
            Assert.InRange((int)t.Values["n"], 1, 1000);
            Assert.Contains((int)t.Values["k"], new[] { 0, 4, 8, 12, 16, 20 });
        });
        // The categorical kernel learns c = "b": most late trials take it (uniform would give a third).
        Assert.True(s.Trials.Skip(40).Count(t => (string)t.Values["c"] == "b") >= 12);
    }
}
