using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Batch normalisation against <c>tests/golden/batchnorm.safetensors</c> (PyTorch <c>F.batch_norm</c>): training mode,
/// with the running statistics after the call (PyTorch normalises with the biased variance but its running variance
/// takes the unbiased one; PyTorch momentum = 1 − Keras momentum), and inference mode; [N, C, H, W] and [N, C].
/// Tolerances: every value comes from per-channel sums over M = N·H·W elements (mean, variance, Σdy, Σdy·x̂), so
/// <see cref="GoldenTolerance.Sum"/> with M terms, scaled by the largest expected value (for dx, by the size of the
/// terms that cancel in it, see <see cref="DxTermScale"/>).
/// </summary>
public sealed class BatchNormGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "batchnorm";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Functional_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        bool training = p["training"]!.GetValue<bool>();
        var (x, gamma, beta) = (g.Input($"{c}.x"), g.Input($"{c}.gamma"), g.Input($"{c}.beta"));
        var (mean, variance) = (g.Get($"{c}.running_mean"), g.Get($"{c}.running_var"));
        var y = Functional.BatchNorm(x, gamma, beta, mean, variance, training, (float)p["momentum"]!.GetValue<double>(),
            (float)p["epsilon"]!.GetValue<double>());
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad, gamma.Grad, beta.Grad, mean, variance);
    }

    /// <summary>
    /// The BatchNormalization layer with the golden γ, β and moving statistics. The golden file checks the update
    /// m·moving + (1 − m)·batch, which the layer applies once its warm-up is over; statistics set from outside are
    /// marked warmed up, as an ONNX import does (the warm-up itself: <c>batchnorm_warmup</c>).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorch(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var x = g.Input($"{c}.x");
        var layer = new BatchNormalization((float)p["momentum"]!.GetValue<double>(),
            (float)p["epsilon"]!.GetValue<double>());
        using (GradMode.NoGrad())
            layer.Call(x, training: false);
        layer.Gamma.Assign(g.Get($"{c}.gamma").AsReadOnlySpan());
        layer.Beta.Assign(g.Get($"{c}.beta").AsReadOnlySpan());
        layer.MovingMean.Assign(g.Get($"{c}.running_mean").AsReadOnlySpan());
        layer.MovingVariance.Assign(g.Get($"{c}.running_var").AsReadOnlySpan());
        layer.MarkWarmedUp();
        var y = layer.Call(x, training: p["training"]!.GetValue<bool>());
        y.Backward(g.Get($"{c}.r"));
        Compare(g, c, y, x.Grad, layer.Gamma.Grad, layer.Beta.Grad, layer.MovingMean, layer.MovingVariance);
    }

    /// <summary>
    /// Training-mode dx = γ·s/M·(M·dy − Σdy − x̂·Σ(dy·x̂)) with s = 1/√(σ² + ε) is a difference of terms of size
    /// |γ|·s·|dy|, which can be far larger than dx itself: with M = 2, or a channel whose variance is below ε, most of
    /// it cancels. Its rounding error therefore scales with max_c |γ_c|·s_c · max|r| (the batch variance in training,
    /// the running one in inference).
    /// </summary>
    private static double DxTermScale(GoldenFile g, string c)
    {
        var p = g.Params(c);
        var x = g.Get($"{c}.x").AsReadOnlySpan();
        var gamma = g.Get($"{c}.gamma").AsReadOnlySpan();
        var runningVariance = g.Get($"{c}.running_var").AsReadOnlySpan();
        int channels = gamma.Length, inner = x.Length / (channels * g.Get($"{c}.x").Shape[0]);
        double scale = 0;
        for (int ch = 0; ch < channels; ch++)
        {
            double variance = runningVariance[ch];
            if (p["training"]!.GetValue<bool>())
            {
                var values = new List<double>();
                for (int i = 0; i < x.Length; i++)
                {
                    if (i / inner % channels == ch)
                        values.Add(x[i]);
                }
                double mean = values.Average();
                variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
            }
            scale = Math.Max(scale, Math.Abs(gamma[ch]) / Math.Sqrt(variance + p["epsilon"]!.GetValue<double>()));
        }
        return scale * g.MaxAbs($"{c}.r");
    }

    private static void Compare(GoldenFile g, string c, Tensor y, Tensor? dx, Tensor? dgamma, Tensor? dbeta,
        Tensor runningMean, Tensor runningVariance)
    {
        var shape = g.Get($"{c}.x").Shape;
        int m = shape.Length / shape[1];
        g.Close($"{c}.y", y, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.y")), 0);
        g.Close($"{c}.dx", dx, GoldenTolerance.Sum(m, Math.Max(g.MaxAbs($"{c}.dx"), DxTermScale(g, c))), 0);
        g.Close($"{c}.dgamma", dgamma, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.dgamma")), 0);
        g.Close($"{c}.dbeta", dbeta, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.dbeta")), 0);
        if (g.Has($"{c}.running_mean_after"))
        {
            // running = momentum·running + (1 − momentum)·batch statistic: the batch mean or variance sums M terms.
            foreach (var (name, actual) in
                new[] { ("running_mean_after", runningMean), ("running_var_after", runningVariance) })
                g.Close($"{c}.{name}", actual, GoldenTolerance.Sum(m, g.MaxAbs($"{c}.{name}")), 0);
        }
        else
        {
            // Inference mode leaves the running statistics alone.
            g.Close($"{c}.running_mean", runningMean, 0, 0);
            g.Close($"{c}.running_var", runningVariance, 0, 0);
        }
    }
}
