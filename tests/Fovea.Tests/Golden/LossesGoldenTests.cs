using Fovea.Autograd;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// Cross-entropy against <c>tests/golden/losses.safetensors</c>: PyTorch <c>F.cross_entropy</c> from logits with
/// class-index and probability targets, label smoothing 0, 0.1 and 0.2, and large logits; and the Keras cross-entropy
/// of probabilities (rows renormalised, values far from the 1e−7 clip) written out in PyTorch. Every logits case is
/// checked through the fused op, through CrossEntropy of a Softmax output (which must take the fused path), and through
/// the Keras-named losses. Tolerances: the loss sums R·C terms (accumulated in double), each gradient element comes
/// from a softmax over C classes (<see cref="GoldenTolerance.Sum"/>).
/// </summary>
public sealed class LossesGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "losses";

    public static TheoryData<string> LogitCases => CasesWith("logits");

    public static TheoryData<string> ProbabilityCases => CasesWith("probabilities");

    [Theory]
    [MemberData(nameof(LogitCases))]
    public void SoftmaxCrossEntropy_Case_MatchesTorch(string c) =>
        Check(c, (x, t, s) => Functional.SoftmaxCrossEntropy(x, t, s));

    [Theory]
    [MemberData(nameof(LogitCases))]
    public void CrossEntropyOfSoftmax_Case_MatchesTorch(string c) =>
        Check(c, (x, t, s) => Functional.CrossEntropy(Functional.Softmax(x), t, s));

    [Theory]
    [MemberData(nameof(LogitCases))]
    public void KerasLossFromLogits_Case_MatchesTorch(string c) =>
        Check(c, (x, t, s) => KerasLoss(c, fromLogits: true, s).Compute(x, t));

    [Theory]
    [MemberData(nameof(LogitCases))]
    public void KerasLossOfSoftmaxOutput_Case_MatchesTorch(string c) =>
        Check(c, (x, t, s) => KerasLoss(c, fromLogits: false, s).Compute(Functional.Softmax(x), t));

    [Theory]
    [MemberData(nameof(ProbabilityCases))]
    public void CrossEntropy_ProbabilitiesCase_MatchesTorch(string c) =>
        Check(c, (p, t, s) => Functional.CrossEntropy(p, t, s));

    [Theory]
    [MemberData(nameof(ProbabilityCases))]
    public void KerasLossOfProbabilities_Case_MatchesTorch(string c) =>
        Check(c, (p, t, s) => KerasLoss(c, fromLogits: false, s).Compute(p, t));

    private void Check(string c, Func<Tensor, Tensor, float, Tensor> loss)
    {
        var g = GoldenFile.Load(FileName, output);
        var x = g.Input($"{c}.x");
        float smoothing = (float)g.Params(c)["label_smoothing"]!.GetValue<double>();
        var y = loss(x, g.Get($"{c}.target"), smoothing);
        y.Backward(g.Get($"{c}.r"));
        g.Close($"{c}.loss", y, GoldenTolerance.Sum(x.Length, g.MaxAbs($"{c}.loss")), 0);
        g.Close($"{c}.dx", x.Grad, GoldenTolerance.Sum(x.Shape[-1], g.MaxAbs($"{c}.dx")), 0);
    }

    private static Loss KerasLoss(string c, bool fromLogits, float smoothing) =>
        (string)GoldenFile.Load(FileName).Params(c)["target"]! == "index"
            ? Losses.SparseCategoricalCrossentropy(fromLogits, smoothing)
            : Losses.CategoricalCrossentropy(fromLogits, smoothing);

    private static TheoryData<string> CasesWith(string input)
    {
        var g = GoldenFile.Load(FileName);
        return new(g.Cases.Where(c => (string)g.Params(c)["input"]! == input));
    }
}
