using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public class HyperParametersTests
{
    private const int Draws = 20000;

    // Tolerance for a frequency p from 20,000 draws: the binomial standard deviation is <= 0.0036; 0.015 is > 4 sigma.
    private const double FrequencyTolerance = 0.015;

    private static List<object> Draw(HyperParameter p, int seed = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, Draws).Select(_ => p.Sample(rng)).ToList();
    }

    private static HyperParameter Declare(Action<HyperParameters> declare)
    {
        var hp = new HyperParameters();
        declare(hp);
        return hp.Space[0];
    }

    [Fact]
    public void Int_Linear_EveryValueEquallyLikely()
    {
        var p = Declare(hp => hp.Int("n", 2, 5));
        var draws = Draw(p).Cast<int>().ToList();
        Assert.All(draws, v => Assert.InRange(v, 2, 5));
        foreach (int v in new[] { 2, 3, 4, 5 })
            Assert.InRange(draws.Count(d => d == v) / (double)Draws, 0.25 - FrequencyTolerance, 0.25 + FrequencyTolerance);
    }

    [Fact]
    public void Int_Step_OnlyGridValues()
    {
        var p = Declare(hp => hp.Int("n", 0, 10, step: 3));
        var draws = Draw(p).Cast<int>().ToHashSet();
        Assert.Equal(new HashSet<int> { 0, 3, 6, 9 }, draws);
        Assert.Equal(new object[] { 0, 3, 6, 9 }, p.GridValues());
    }

    [Fact]
    public void Int_Log_HalfTheDrawsBelowTheGeometricMean()
    {
        // Log-uniform on [1, 10000]: P(v <= 100) = 1/2 (integers snapped: the rounding moves the split by < 0.01).
        var p = Declare(hp => hp.Int("n", 1, 10000, sampling: Sampling.Log));
        var draws = Draw(p).Cast<int>().ToList();
        Assert.All(draws, v => Assert.InRange(v, 1, 10000));
        Assert.InRange(draws.Count(v => v <= 100) / (double)Draws, 0.5 - 0.02, 0.5 + 0.02);
        Assert.InRange(draws.Count(v => v <= 10) / (double)Draws, 0.25 - 0.02, 0.25 + 0.02);
    }

    [Fact]
    public void Float_Linear_UniformMoments()
    {
        var p = Declare(hp => hp.Float("x", -1, 3));
        var draws = Draw(p).Cast<double>().ToList();
        Assert.All(draws, v => Assert.InRange(v, -1, 3));
        // Uniform on [-1, 3]: mean 1, variance 16/12; standard error of the mean 0.008.
        Assert.InRange(draws.Average(), 1 - 0.04, 1 + 0.04);
        Assert.InRange(draws.Average(v => (v - 1) * (v - 1)), 16.0 / 12 - 0.05, 16.0 / 12 + 0.05);
    }

    [Fact]
    public void Float_Log_EachDecadeEquallyLikely()
    {
        var p = Declare(hp => hp.Float("lr", 1e-4, 1e-2, sampling: Sampling.Log));
        var draws = Draw(p).Cast<double>().ToList();
        Assert.All(draws, v => Assert.InRange(v, 1e-4, 1e-2));
        Assert.InRange(draws.Count(v => v < 1e-3) / (double)Draws, 0.5 - FrequencyTolerance, 0.5 + FrequencyTolerance);
    }

    [Fact]
    public void Float_ReverseLog_MirrorsLog()
    {
        // v = max + min - w with w log-uniform: P(v > max + min - sqrt(min * max)) = 1/2, dense near max.
        var p = Declare(hp => hp.Float("m", 0.01, 1, sampling: Sampling.ReverseLog));
        var draws = Draw(p).Cast<double>().ToList();
        Assert.All(draws, v => Assert.InRange(v, 0.01, 1));
        Assert.InRange(draws.Count(v => v > 1.01 - 0.1) / (double)Draws, 0.5 - FrequencyTolerance, 0.5 + FrequencyTolerance);
        Assert.InRange(draws.Count(v => v > 1.01 - 0.01 * Math.Sqrt(10)) / (double)Draws, 0.25 - FrequencyTolerance, 0.25 + FrequencyTolerance);
    }

    [Fact]
    public void Float_Step_GridValuesEquallyLikely()
    {
        var p = Declare(hp => hp.Float("dropout", 0.1, 0.5, step: 0.1));
        var draws = Draw(p).Cast<double>().ToList();
        var expected = new[] { 0.1, 0.2, 0.3, 0.4, 0.5 };
        Assert.All(draws, v => Assert.Contains(v, expected));
        foreach (double v in expected)
            Assert.InRange(draws.Count(d => d == v) / (double)Draws, 0.2 - FrequencyTolerance, 0.2 + FrequencyTolerance);
    }

    [Fact]
    public void Choice_And_Boolean_Uniform()
    {
        var c = Declare(hp => hp.Choice("f", [32, 64, 128, 256]));
        var draws = Draw(c).Cast<int>().ToList();
        foreach (int v in new[] { 32, 64, 128, 256 })
            Assert.InRange(draws.Count(d => d == v) / (double)Draws, 0.25 - FrequencyTolerance, 0.25 + FrequencyTolerance);
        var b = Declare(hp => hp.Boolean("se"));
        Assert.InRange(Draw(b).Count(v => (bool)v) / (double)Draws, 0.5 - FrequencyTolerance, 0.5 + FrequencyTolerance);
    }

    [Fact]
    public void UnitMap_RoundTripsEveryGridValue()
    {
        var hp = new HyperParameters();
        hp.Int("a", 1, 9, step: 2);
        hp.Int("b", 1, 512, sampling: Sampling.Log);
        hp.Float("c", 0.1, 0.5, step: 0.1);
        hp.Choice("d", ["x", "y", "z"]);
        hp.Boolean("e");
        foreach (var p in hp.Space)
            foreach (var v in p.GridValues().Take(200))
                Assert.True(HyperParameter.ValueEquals(v, p.FromUnit(p.ToUnit(v))), $"{p}: {v}");
    }

    [Fact]
    public void Defaults_WhenNothingDecides()
    {
        var hp = new HyperParameters();
        Assert.Equal(2, hp.Int("n", 2, 5));
        Assert.Equal(4, hp.Int("m", 2, 5, defaultValue: 4));
        Assert.Equal(1e-4, hp.Float("lr", 1e-4, 1e-2, sampling: Sampling.Log));
        Assert.Equal(64, hp.Choice("f", [32, 64], defaultValue: 64));
        Assert.True(hp.Boolean("se", defaultValue: true));
        Assert.Equal("adam", hp.Fixed("optimizer", "adam"));
        Assert.Equal(6, hp.Values.Count);
        Assert.False(hp.Space.Single(p => p.Name == "optimizer").IsTunable);
    }

    [Fact]
    public void GivenValues_AreReturned_AndRedeclarationKeepsTheFirstDefinition()
    {
        var space = new HyperParameters();
        space.Int("n", 2, 5);
        var hp = space.WithValues(new Dictionary<string, object> { ["n"] = 4 });
        Assert.Equal(4, hp.Int("n", 2, 5));
        Assert.Equal(4, hp.Int("n", 0, 100));
        Assert.Single(hp.Space);
    }

    [Fact]
    public void ConditionalScope_InactiveParametersReturnDefaultAndAreNotRecorded()
    {
        foreach (int blocks in new[] { 2, 3, 5 })
        {
            var hp = new HyperParameters(new HyperParameters().Space, new Dictionary<string, object> { ["num_blocks"] = blocks });
            int n = hp.Int("num_blocks", 2, 5);
            for (int i = 0; i < 5; i++)
            {
                using (hp.ConditionalScope("num_blocks", Enumerable.Range(i + 1, 5 - i).Cast<object>().ToArray()))
                {
                    int f = hp.Choice($"filters_{i}", [32, 64, 128, 256]);
                    if (i >= n)
                        Assert.Equal(32, f);
                }
            }
            Assert.Equal(blocks, n);
            for (int i = 0; i < 5; i++)
                Assert.Equal(i < blocks, hp.Values.ContainsKey($"filters_{i}"));
            Assert.Equal(6, hp.Space.Count);
        }
    }

    [Fact]
    public void ConditionalScope_NestedScopesNeedEveryParent()
    {
        var hp = new HyperParameters(new HyperParameters().Space,
            new Dictionary<string, object> { ["model"] = "cnn", ["use_se"] = false });
        hp.Choice("model", ["mlp", "cnn"]);
        using (hp.ConditionalScope("model", "cnn"))
        {
            hp.Boolean("use_se");
            using (hp.ConditionalScope("use_se", true))
                hp.Int("ratio", 4, 16);
        }
        Assert.True(hp.Values.ContainsKey("use_se"));
        Assert.False(hp.Values.ContainsKey("ratio"));
        Assert.Equal(2, hp.Space.Single(p => p.Name == "ratio").Conditions.Count);
        Assert.Throws<ArgumentException>(() => hp.ConditionalScope("undeclared", 1));
    }

    [Fact]
    public void ConditionalParameters_NeverLeakIntoOtherTrials()
    {
        // KerasTuner reports: a value chosen for a conditional parameter in one trial shows up in later trials where
        // its parent excludes it. Every trial here must hold filters_i exactly when i < num_blocks.
        var study = new Study(new RandomSearchOracle(seed: 3), "loss", maxTrials: 60);
        while (study.Ask() is { } trial)
        {
            var hp = study.HyperParametersFor(trial);
            int n = hp.Int("num_blocks", 2, 5);
            for (int i = 0; i < n; i++)
                using (hp.ConditionalScope("num_blocks", Enumerable.Range(i + 1, 5 - i).Cast<object>().ToArray()))
                    hp.Choice($"filters_{i}", [32, 64, 128, 256]);
            study.Tell(trial, n, values: hp.Values);
        }
        Assert.Equal(60, study.Trials.Count);
        Assert.Contains(study.Trials, t => (int)t.Values["num_blocks"] == 5);
        foreach (var t in study.Trials)
        {
            int n = (int)t.Values["num_blocks"];
            for (int i = 0; i < 5; i++)
                Assert.Equal(i < n, t.Values.ContainsKey($"filters_{i}"));
        }
    }
}
