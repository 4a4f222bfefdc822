using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

public class GridSearchOracleTests
{
    [Fact]
    public void Propose_EveryCombinationOnce_ThenStops()
    {
        var space = new HyperParameters();
        space.Int("a", 1, 3);
        space.Boolean("b");
        var study = new Study(new GridSearchOracle(), "loss", maxTrials: 100, space: space);
        while (study.Ask() is { } t)
            study.Tell(t, 0.0);
        Assert.Equal(6, study.Trials.Count);
        var seen = study.Trials.Select(t => $"{t.Values["a"]}/{t.Values["b"]}").ToHashSet();
        Assert.Equal(6, seen.Count);
        Assert.Equal(6, new GridSearchOracle().Capacity(space));
    }

    [Fact]
    public void Propose_ConditionalParametersOnlyWhereActive()
    {
        // model in {mlp, cnn}; depth in 1..3 exists only for cnn: 1 + 3 = 4 combinations, not 2 x 3 = 6.
        var space = new HyperParameters();
        space.Choice("model", ["mlp", "cnn"]);
        using (space.ConditionalScope("model", "cnn"))
            space.Int("depth", 1, 3);
        var study = new Study(new GridSearchOracle(), "loss", maxTrials: 100, space: space);
        while (study.Ask() is { } t)
            study.Tell(t, 0.0);
        Assert.Equal(4, study.Trials.Count);
        Assert.All(study.Trials, t => Assert.Equal((string)t.Values["model"] == "cnn", t.Values.ContainsKey("depth")));
    }
}
