using System.Text.Json.Nodes;
using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Tensors;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Golden;

/// <summary>
/// One whole LeNet-5 training step against <c>tests/golden/lenet5_step.safetensors</c>: PyTorch builds the same
/// architecture as <see cref="LeNet5.Create"/>, and the file holds 8 random 28×28 inputs with labels, the initial
/// parameters (under Fovea's <see cref="Model.NamedWeights"/> names), the logits, the mean cross-entropy, every
/// parameter's gradient, and the parameters after one AdamW step and after one Nesterov SGD step.
/// </summary>
public sealed class LeNet5StepGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "lenet5_step";

    [Fact]
    public void Forward_GoldenWeights_LogitsLossAndGradientsMatchTorch()
    {
        var g = GoldenFile.Load(FileName, output);
        var model = CreateModel(g);
        var logits = model.Call(g.Get("x"), training: true);
        var loss = Losses.SparseCategoricalCrossentropy(fromLogits: true).Compute(logits, g.Get("labels"));
        loss.Backward();
        // The logits end a chain of five layers whose widest sum has 400 terms (the first Dense layer).
        g.Close("logits", logits, GoldenTolerance.Sum(400, g.MaxAbs("logits")), 0);
        g.Close("loss", loss, GoldenTolerance.Sum(400, g.MaxAbs("loss")), 0);
        CompareGradients(g, model);
    }

    [Fact]
    public void TrainStep_AdamW_ParametersMatchTorch()
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params("adamw");
        var optimizer = new AdamW(Number(p, "lr"), weightDecay: Number(p, "weight_decay"), beta1: Number(p, "beta1"),
            beta2: Number(p, "beta2"), epsilon: Number(p, "epsilon"));
        TrainOneStep(g, optimizer, "adamw", firstAdamStep: (optimizer.LearningRate, optimizer.Epsilon));
    }

    [Fact]
    public void TrainStep_SgdNesterov_ParametersMatchTorch()
    {
        var g = GoldenFile.Load(FileName, output);
        var p = g.Params("sgd");
        var optimizer = new Sgd(Number(p, "lr"), Number(p, "momentum"), p["nesterov"]!.GetValue<bool>(),
            Number(p, "weight_decay"));
        TrainOneStep(g, optimizer, "sgd", firstAdamStep: null);
    }

    /// <summary>
    /// One <see cref="Trainer.TrainStep"/>: loss and gradients as in PyTorch, then the updated parameters. Parameters
    /// of size ~0.1–1 move by about lr, so the update itself adds a few roundings of the parameter
    /// (<see cref="GoldenTolerance.Sum"/> with one term). An SGD step repeats the gradient's small difference times lr.
    /// The first Adam step moves a weight by lr·u(g) with u(g) = g/(|g| + ε) (m̂ = g, √v̂ = |g|), which is
    /// ill-conditioned where |g| ≈ ε (a few LeNet weights have |g| ≈ 5e−9): there u' = ε/(|g| + ε)² amplifies the
    /// gradient's difference from PyTorch a millionfold. For Adam the tolerance therefore adds exactly that propagated
    /// difference, lr·|u(g_Fovea) − u(g_torch)|, computed from the two gradients (which are checked above).
    /// </summary>
    private static void TrainOneStep(GoldenFile g, Optimizer optimizer, string prefix,
        (double LearningRate, double Epsilon)? firstAdamStep)
    {
        var model = CreateModel(g);
        var trainer = new Trainer(model, (x, training) => model.Call(x, training), model.TrainableWeights,
            model.Regularized, optimizer, Losses.SparseCategoricalCrossentropy(fromLogits: true), []);
        double loss = trainer.TrainStep(g.Get("x"), g.Get("labels"));
        g.Close("loss", Tensor.Scalar((float)loss), GoldenTolerance.Sum(400, g.MaxAbs("loss")), 0);
        CompareGradients(g, model);
        foreach (var (name, w) in model.NamedWeights())
        {
            double atol = GoldenTolerance.Sum(1, g.MaxAbs($"{prefix}.{name}"));
            if (firstAdamStep is not (var lr, var eps))
            {
                g.Close($"{prefix}.{name}", w, atol, 0);
                continue;
            }
            var (gTorch, gFovea) = (g.Get($"grad.{name}").ToArray(), w.Grad!.ToArray());
            double U(float v) => v / (Math.Abs((double)v) + eps);
            g.Close($"{prefix}.{name}", w, i => atol + lr * Math.Abs(U(gFovea[i]) - U(gTorch[i])), 0);
        }
    }

    /// <summary>
    /// Every weight gradient sums over the samples and positions it serves: 8·28·28 for the first convolution, 8·10·10
    /// for the second, 8 rows for the Dense layers (<see cref="GoldenTolerance.Sum"/> over those terms). The backward
    /// chain above it contributes relative errors of about 1e−7 per layer, far below that bound.
    /// </summary>
    private static void CompareGradients(GoldenFile g, Model model)
    {
        foreach (var (name, w) in model.NamedWeights())
        {
            int terms = name.StartsWith("conv2d_1.", StringComparison.Ordinal) ? 8 * 10 * 10
                : name.StartsWith("conv2d.", StringComparison.Ordinal) ? 8 * 28 * 28 : 8;
            g.Close($"grad.{name}", w.Grad, GoldenTolerance.Sum(terms, g.MaxAbs($"grad.{name}")), 0);
        }
    }

    private static Sequential CreateModel(GoldenFile g)
    {
        var model = LeNet5.Create();
        model.Build(1, 28, 28);
        var names = model.NamedWeights().Select(kv => kv.Key).ToArray();
        var expected = g.Json("names").AsArray().Select(n => (string)n!).ToArray();
        Assert.Equal(expected, names);
        foreach (var (name, w) in model.NamedWeights())
            w.Assign(g.Get($"init.{name}").AsReadOnlySpan());
        return model;
    }

    private static double Number(JsonObject p, string key) => p[key]!.GetValue<double>();
}
