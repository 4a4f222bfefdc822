using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Training;

/// <summary>The regression losses, checked by hand on small inputs written inline.</summary>
public class LossesTests
{
    /// <summary>
    /// Prediction [2, 2] = [[1, 3], [0, -1]] against [[0, 1], [0, 1]]: differences 1, 2, 0, −2, so the mean squared
    /// error is (1 + 4 + 0 + 4) / 4 = 2.25 with gradient 2d/4 = [0.5, 1, 0, −1], and the mean absolute error is
    /// 5 / 4 = 1.25 with gradient sign(d)/4 (0 where d = 0, as PyTorch's sign).
    /// </summary>
    [Fact]
    public void MeanSquaredAndAbsoluteError_ValueAndGradient_ByHand()
    {
        var target = Tensor.Wrap([0f, 1, 0, 1], [2, 2]);
        var p1 = Tensor.Wrap([1f, 3, 0, -1], [2, 2]);
        p1.RequiresGrad = true;
        var p2 = Tensor.Wrap([1f, 3, 0, -1], [2, 2]);
        p2.RequiresGrad = true;

        var mse = Losses.MeanSquaredError().Compute(p1, target);
        var mae = Losses.MeanAbsoluteError().Compute(p2, target);
        mse.Backward();
        mae.Backward();

        Assert.Equal(2.25f, mse.Item());
        Assert.Equal(1.25f, mae.Item());
        Assert.Equal([0.5f, 1, 0, -1], p1.Grad!.ToArray());
        Assert.Equal([0.25f, 0.25f, 0, -0.25f], p2.Grad!.ToArray());
    }

    [Fact]
    public void MeanSquaredError_TargetWithoutTheUnitAxis_IsReshapedNotBroadcast()
    {
        var prediction = Tensor.Wrap([1f, 2, 3], [3, 1]);
        var target = Tensor.Wrap([0f, 1, 2], [3]);

        // Row by row the differences are 1, 1, 1: MSE 1. Broadcasting [3, 1] against [3] would average the [3, 3]
        // grid of p_i − t_j instead: (1 + 0 + 1 + 4 + 1 + 0 + 9 + 4 + 1) / 9 = 21/9.
        Assert.Equal(1f, Losses.MeanSquaredError().Compute(prediction, target).Item());
    }

    [Fact]
    public void MeanSquaredError_OtherShape_ThrowsWithBothShapes()
    {
        var e = Assert.Throws<FoveaException>(() =>
            Losses.MeanSquaredError().Compute(Tensor.Zeros([4, 2]), Tensor.Zeros([4, 3])));

        Assert.Equal("mean_squared_error: expected targets of the prediction's shape [4, 2], received [4, 3]",
            e.Message);
    }

    [Fact]
    public void RegressionMetrics_AccumulateOverBatches_ByHand()
    {
        var mae = Metrics.MeanAbsoluteError;
        var mse = Metrics.MeanSquaredError;
        foreach (var m in new[] { mae, mse })
        {
            m.Update(Tensor.Wrap([1f, 3], [2, 1]), Tensor.Wrap([0f, 1], [2]));   // d = 1, 2
            m.Update(Tensor.Wrap([0f, -1], [2, 1]), Tensor.Wrap([0f, 1], [2]));  // d = 0, -2
        }

        Assert.Equal("mean_absolute_error", mae.Name);
        Assert.Equal(1.25, mae.Result, 12);
        Assert.Equal(2.25, mse.Result, 12);
        mae.Reset();
        Assert.Equal(0, mae.Result);
    }
}
