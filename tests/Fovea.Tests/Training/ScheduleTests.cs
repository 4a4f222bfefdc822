using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Training;

/// <summary>Learning-rate schedules at hand-computed points.</summary>
public class ScheduleTests
{
    [Fact]
    public void CosineDecay_WarmsUpLinearlyThenAnneals()
    {
        var s = new CosineDecay(initialRate: 0.0, decaySteps: 100, alpha: 0.1, warmupSteps: 10, warmupTarget: 1.0);
        Assert.Equal(0.0, s.Rate(0), 12);
        Assert.Equal(0.5, s.Rate(5), 12);
        Assert.Equal(1.0, s.Rate(10), 12);
        Assert.Equal(0.1 + 0.9 * 0.5, s.Rate(60), 12);   // halfway through the decay: cos(π/2) = 0
        Assert.Equal(0.1, s.Rate(110), 12);
        Assert.Equal(0.1, s.Rate(10_000), 12);
    }

    [Fact]
    public void ExponentialDecay_ContinuousAndStaircase()
    {
        Assert.Equal(0.1 * Math.Pow(0.5, 1.5), new ExponentialDecay(0.1, 10, 0.5).Rate(15), 12);
        Assert.Equal(0.05, new ExponentialDecay(0.1, 10, 0.5, staircase: true).Rate(15), 12);
    }

    [Fact]
    public void StepDecay_UsesBoundaries()
    {
        var s = new StepDecay([100, 200], [1.0, 0.1, 0.01]);
        Assert.Equal([1.0, 1.0, 0.1, 0.1, 0.01], new long[] { 0, 100, 101, 200, 201 }.Select(s.Rate));
    }

    [Fact]
    public void OneCycle_StartsLowPeaksAtPctStartAndEndsLower()
    {
        var s = new OneCycle(maxRate: 1.0, totalSteps: 101, pctStart: 0.3);
        Assert.Equal(1.0 / 25, s.Rate(0), 9);
        Assert.True(s.Rate(29) > 0.99);
        Assert.Equal(1.0 / 25 / 1e4, s.Rate(100), 12);
        Assert.True(s.Rate(60) < s.Rate(40));
    }
}
