using Fovea.Layers;
using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// The warm-up of BatchNormalization's moving statistics against <c>tests/golden/batchnorm_warmup.safetensors</c>:
/// PyTorch's cumulative average (<c>momentum=None</c>) for the first 1/(1 − m) batches, then PyTorch momentum 1 − m,
/// which is Fovea's min(m, 1 − 1/t); the running statistics after every batch, from mean 0 and variance 1.
/// Tolerance: each batch statistic sums M = N·H·W terms (<see cref="GoldenTolerance.Sum"/>, scaled by the largest
/// expected value), and the t updates each add a rounding of that size, so t times that.
/// </summary>
public sealed class BatchNormWarmupGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "batchnorm_warmup";

    public static TheoryData<string> Cases => GoldenFile.CaseData(FileName);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_Case_MatchesTorchMomentumNone(string c)
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params(c);
        var layer = new BatchNormalization((float)p["momentum"]!.GetValue<double>(),
            (float)p["epsilon"]!.GetValue<double>());
        int batches = p["batches"]!.GetValue<int>();
        for (int t = 1; t <= batches; t++)
        {
            var x = g.Get($"{c}.x{t}");
            layer.Call(x, training: true);
            int m = x.Length / x.Shape[1];
            foreach (var (name, actual) in
                new[] { ("running_mean", layer.MovingMean), ("running_var", layer.MovingVariance) })
                g.Close($"{c}.{name}{t}", actual, t * GoldenTolerance.Sum(m, g.MaxAbs($"{c}.{name}{t}")), 0);
            Assert.Equal(t, layer.BatchesTracked[0]);
        }
    }
}
