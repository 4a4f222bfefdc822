using Fovea.Layers;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Training;

public class WeightPenaltyTests
{
    private static readonly float[] s_weights = [1f, -2f, 3f, 0f];

    [Fact]
    public void Penalty_L1L2_IsL1TimesAbsSumPlusL2TimesSquareSum()
    {
        // 0.1·(1 + 2 + 3 + 0) + 0.01·(1 + 4 + 9 + 0) = 0.6 + 0.14
        double p = WeightPenalty.Penalty(Regularizers.L1L2(l1: 0.1, l2: 0.01), s_weights);
        Assert.Equal(0.74, p, 5);
    }

    [Fact]
    public void AddGradient_L1L2_AddsL1SignPlusTwoL2W()
    {
        float[] grad = [10f, 10f, 10f, 10f];
        WeightPenalty.AddGradient(Regularizers.L1L2(l1: 0.1, l2: 0.01), s_weights, grad);
        // 10 + 0.1·sign(w) + 0.02·w
        Assert.Equal([10.12f, 9.86f, 10.16f, 10f], grad, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Penalty_ZeroFactors_IsZeroAndLeavesGradientAlone()
    {
        float[] grad = [1f, 2f, 3f, 4f];
        var none = Regularizers.L1L2();
        Assert.Equal(0.0, WeightPenalty.Penalty(none, s_weights));
        WeightPenalty.AddGradient(none, s_weights, grad);
        Assert.Equal([1f, 2f, 3f, 4f], grad);
    }
}
