using Fovea.Tuning;
using Xunit;

namespace Fovea.Tuning.Tests;

/// <summary>Against scikit-learn's GaussianProcessRegressor (tools/tuning/make_gp_golden.py).</summary>
public class GaussianProcessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly System.Text.Json.Nodes.JsonObject s_golden = Golden.Json("tuning_gp_sklearn.json");

    [Fact]
    public void Predict_FixedHyperparameters_MatchesSklearn()
    {
        var x = Golden.Matrix(s_golden["x"]);
        var y = Golden.Doubles(s_golden["y"]);
        var xs = Golden.Matrix(s_golden["x_test"]);
        var f = s_golden["fixed"]!;
        var gp = new GaussianProcess(x, y, (double)f["amplitude"]!, Golden.Doubles(f["length_scales"]), (double)f["noise"]!);
        var mean = Golden.Doubles(f["mean"]);
        var variance = Golden.Doubles(f["variance"]);
        // Same formulas in double precision (Cholesky of a 25x25 matrix, condition ~1e3): 1e-9 leaves room for the
        // order of summation only. The 1e-10 jitter we add to the diagonal moves results by ~1e-10.
        for (int i = 0; i < xs.Length; i++)
        {
            var (m, v) = gp.Predict(xs[i]);
            Assert.Equal(mean[i], m, 1e-8);
            Assert.Equal(variance[i], v, 1e-8);
        }
        Assert.Equal((double)f["log_marginal_likelihood"]!, gp.LogMarginalLikelihood, 1e-7);
    }

    [Fact]
    public void Fit_MarginalLikelihood_ReachesSklearnsOptimum()
    {
        var x = Golden.Matrix(s_golden["x"]);
        var y = Golden.Doubles(s_golden["y"]);
        var xs = Golden.Matrix(s_golden["x_test"]);
        var f = s_golden["fitted"]!;
        var gp = GaussianProcess.Fit(x, y, GaussianProcess.Bounds.Default, restarts: 5, seed: 0);
        double sklearnLml = (double)f["log_marginal_likelihood"]!;
        output.WriteLine($"fovea: amplitude {gp.Amplitude:G6}, length scales {string.Join(", ", gp.LengthScales.Select(v => v.ToString("G6")))}, " +
            $"noise {gp.Noise:G6}, LML {gp.LogMarginalLikelihood:G8}; sklearn: amplitude {(double)f["amplitude"]!:G6}, length scales " +
            $"{string.Join(", ", Golden.Doubles(f["length_scales"]).Select(v => v.ToString("G6")))}, noise {(double)f["noise"]!:G6}, LML {sklearnLml:G8}");
        // Both maximise the same function from different starts with different optimisers (L-BFGS-B there, projected
        // BFGS here): ours must be at least as good up to 1e-4, and the optimum's location agree to 2% in log space.
        Assert.True(gp.LogMarginalLikelihood >= sklearnLml - 1e-4, $"ours {gp.LogMarginalLikelihood}, sklearn {sklearnLml}");
        Assert.Equal(Math.Log((double)f["amplitude"]!), Math.Log(gp.Amplitude), 0.02 * Math.Abs(Math.Log((double)f["amplitude"]!)) + 0.02);
        var scales = Golden.Doubles(f["length_scales"]);
        for (int d = 0; d < scales.Length; d++)
            Assert.Equal(Math.Log(scales[d]), Math.Log(gp.LengthScales[d]), 0.02);
        Assert.Equal(Math.Log((double)f["noise"]!), Math.Log(gp.Noise), 0.05);
        // sklearn's predictive std includes the fitted white noise; at matching optima the predictions agree to 1e-3.
        var mean = Golden.Doubles(f["mean"]);
        var variance = Golden.Doubles(f["variance"]);
        for (int i = 0; i < xs.Length; i++)
        {
            var (m, v) = gp.Predict(xs[i]);
            Assert.Equal(mean[i], m, 1e-3);
            Assert.Equal(variance[i], v + gp.Noise, 1e-3);
        }
    }

    [Fact]
    public void Fit_Gradient_MatchesFiniteDifferences()
    {
        // The marginal likelihood's optimum is where its gradient vanishes: moving any hyperparameter by ±1e-3 in
        // log space from the fit must not raise the likelihood by more than second-order amounts (1e-5).
        var x = Golden.Matrix(s_golden["x"]);
        var y = Golden.Doubles(s_golden["y"]);
        var gp = GaussianProcess.Fit(x, y, restarts: 3);
        double lml = gp.LogMarginalLikelihood;
        var scales = gp.LengthScales.ToArray();
        foreach (double h in new[] { -1e-3, 1e-3 })
        {
            Assert.True(new GaussianProcess(x, y, gp.Amplitude * Math.Exp(h), scales, gp.Noise).LogMarginalLikelihood <= lml + 1e-5);
            for (int d = 0; d < scales.Length; d++)
            {
                var moved = (double[])scales.Clone();
                moved[d] *= Math.Exp(h);
                Assert.True(new GaussianProcess(x, y, gp.Amplitude, moved, gp.Noise).LogMarginalLikelihood <= lml + 1e-5);
            }
        }
    }
}
