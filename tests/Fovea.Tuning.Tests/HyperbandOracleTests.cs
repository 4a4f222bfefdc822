using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public class HyperbandOracleTests
{
    // KerasTuner's schedule, written out from its HyperbandOracle (_get_num_brackets, _get_size, _get_epochs):
    // brackets while maxEpochs / factor^k >= 1; size(s, r) = ceil(ceil(1 + log_f(maxEpochs)) / (s + 1) * f^(s - r));
    // epochs(s, r) = ceil(maxEpochs / f^(s - r)); a promoted trial trains epochs(s, r) - epochs(s, r - 1).
    private static (int Trials, int Epochs) KerasTunerFormula(int maxEpochs, int factor)
    {
        int brackets = 0;
        for (double e = maxEpochs; e >= 1; e /= factor)
            brackets++;
        int trials = 0, epochs = 0;
        double end0 = Math.Ceiling(1 + Math.Log(maxEpochs, factor));
        for (int s = 0; s < brackets; s++)
        {
            for (int r = 0; r <= s; r++)
            {
                int size = (int)Math.Ceiling(end0 / (s + 1) * Math.Pow(factor, s - r));
                int ep = (int)Math.Ceiling(maxEpochs / Math.Pow(factor, s - r));
                int before = r == 0 ? 0 : (int)Math.Ceiling(maxEpochs / Math.Pow(factor, s - r + 1));
                trials += size;
                epochs += size * (ep - before);
            }
        }
        return (trials, epochs);
    }

    private static Study RunSchedule(HyperbandOracle oracle)
    {
        var space = new HyperParameters();
        space.Float("x", 0, 1);
        var study = new Study(oracle, "loss", maxTrials: 1000, space: space);
        while (study.Ask() is { } t)
        {
            // Score improves with epochs and with x near 0.3: promotions must pick low losses.
            double x = (double)t.Values["x"];
            study.Tell(t, Math.Abs(x - 0.3) + 1.0 / (int)t.Values[HyperbandOracle.EpochsKey]);
        }
        return study;
    }

    private static int TrainedEpochs(Study s) => s.Trials.Sum(t =>
        (int)t.Values[HyperbandOracle.EpochsKey] - (int)t.Values[HyperbandOracle.InitialEpochKey]);

    [Fact]
    public void Schedule_MaxEpochs10Factor3_30TrialsAnd120Epochs()
    {
        var oracle = new HyperbandOracle(maxEpochs: 10, factor: 3);
        Assert.Equal((30, 120), KerasTunerFormula(10, 3));
        Assert.Equal(30, oracle.TrialsPerSearch());
        Assert.Equal(120, oracle.EpochsPerIteration());
        var study = RunSchedule(oracle);
        Assert.Equal(30, study.Trials.Count);
        Assert.Equal(120, TrainedEpochs(study));
        // Bracket 2: 12 trials x 2 epochs, 4 to 4 epochs, 2 to 10; bracket 1: 6 x 4, 2 to 10; bracket 0: 4 x 10.
        var rounds = study.Trials.GroupBy(t => ((int)t.Values[HyperbandOracle.BracketKey], (int)t.Values[HyperbandOracle.RoundKey]))
            .ToDictionary(g => g.Key, g => (g.Count(), (int)g.First().Values[HyperbandOracle.EpochsKey]));
        Assert.Equal((12, 2), rounds[(2, 0)]);
        Assert.Equal((4, 4), rounds[(2, 1)]);
        Assert.Equal((2, 10), rounds[(2, 2)]);
        Assert.Equal((6, 4), rounds[(1, 0)]);
        Assert.Equal((2, 10), rounds[(1, 1)]);
        Assert.Equal((4, 10), rounds[(0, 0)]);
    }

    [Theory]
    [InlineData(27, 3)]
    [InlineData(81, 3)]
    [InlineData(100, 4)]
    [InlineData(5, 2)]
    public void Schedule_OtherSettings_MatchKerasTunerFormula(int maxEpochs, int factor)
    {
        var study = RunSchedule(new HyperbandOracle(maxEpochs, factor));
        var (trials, epochs) = KerasTunerFormula(maxEpochs, factor);
        Assert.Equal(trials, study.Trials.Count);
        Assert.Equal(epochs, TrainedEpochs(study));
    }

    [Fact]
    public void Promotions_TakeTheBestOfThePreviousRound()
    {
        var study = RunSchedule(new HyperbandOracle(maxEpochs: 10, factor: 3));
        var round0 = study.Trials.Where(t => (int)t.Values[HyperbandOracle.BracketKey] == 2 && (int)t.Values[HyperbandOracle.RoundKey] == 0)
            .OrderBy(t => t.Score).ToList();
        var promoted = study.Trials.Where(t => (int)t.Values[HyperbandOracle.BracketKey] == 2 && (int)t.Values[HyperbandOracle.RoundKey] == 1)
            .Select(t => (int)t.Values[HyperbandOracle.TrialIdKey]).ToHashSet();
        Assert.Equal(round0.Take(4).Select(t => t.Number).ToHashSet(), promoted);
    }
}
