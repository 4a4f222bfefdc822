using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Models.Passes;
using Fovea.Tensors;
using Fovea.Tests.Golden;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Models;

/// <summary>
/// <see cref="Model.Capture(Tensor, IEnumerable{string}, bool, bool)"/>: intermediate outputs and their gradients by
/// layer name in one forward and one backward pass, against PyTorch autograd (<c>tests/golden/hooks.safetensors</c>,
/// <c>tools/golden/make_hooks_golden.py</c>): the "capture" case in inference mode, where Fovea would fuse conv,
/// BatchNorm and ReLU, and the "cnn" case in training mode with a cross-entropy loss.
/// <para>
/// Tolerances: 1e-6·√K·T (<see cref="GoldenTolerance.Sum"/>) with K the terms of the float32 sum and T a bound of
/// the terms' sizes computed from the data (Σ|w|·max|input| per output), so that cancellation cannot push a correct
/// result past it. Gradients of max-pool and ReLU are copies of the gradient above them, and BatchNorm's in inference
/// is a per-channel scale γ/√(σ² + ε), so they carry the rounding of one product.
/// </para>
/// </summary>
public sealed class ModelCaptureTests(ITestOutputHelper output)
{
    private static readonly string[] Taps = ["conv", "bn", "relu", "pool"];

    private static Sequential Net() => new(
        [
            new Conv2D(4, 3, padding: Padding.Same, name: "conv"), new BatchNormalization(epsilon: 1e-3f, name: "bn"),
            new ReLU(name: "relu"), new MaxPooling2D(2, name: "pool"), new Flatten(name: "flatten"),
            new Dense(5, name: "dense"),
        ],
        inputShape: [3, 8, 8]);

    private static Sequential Load(GoldenFile g, string prefix)
    {
        var model = Net();
        var weights = model.NamedWeights().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var name in weights.Keys.Where(n => g.Has($"{prefix}init.{n}")))
            weights[name].Assign(g.Get($"{prefix}init.{name}").AsReadOnlySpan());
        return model;
    }

    [Fact]
    public void Inference_ClassScoreGradients_MatchTorch_AndFusionStaysOffTheCapturedLayers()
    {
        var g = GoldenFile.Load("hooks", output);
        var model = Load(g, "capture.");
        var x = g.Get("capture.x");
        Assert.Contains(model.CurrentPlan().Nodes, n => n.Layer is FusedConvolution);   // Predict runs fused

        var run = model.Capture(x, Taps);
        var target = g.Get("capture.target").ToArray().Select(v => (int)v).ToArray();
        var mask = new float[3 * 5];
        for (int i = 0; i < 3; i++)
            mask[i * 5 + target[i]] = 1;
        var score = Functional.Sum(Functional.Multiply(run.Output, Tensor.FromArray(mask, [3, 5])));
        score.Backward();

        var kernel = model.GetLayer("conv").Weights[0].ToArray();
        var dense = model.GetLayer("dense").Weights[0].ToArray();
        var gamma = g.Get("capture.init.bn.gamma").ToArray();
        var variance = g.Get("capture.init.bn.moving_variance").ToArray();
        double bnScale = Enumerable.Range(0, 4).Max(c => Math.Abs(gamma[c]) / Math.Sqrt(variance[c] + 1e-3));
        double convTerms = RowAbsSumMax(kernel, 4) * g.MaxAbs("capture.x") + 0.5;
        double denseTerms = RowAbsSumMax(dense, 5) * g.MaxAbs("capture.h4") + 0.5;
        g.Close("capture.h1", run["conv"], GoldenTolerance.Sum(27, convTerms), 0);
        g.Close("capture.h2", run["bn"], GoldenTolerance.Sum(27, bnScale * convTerms + 1), 0);
        g.Close("capture.h3", run["relu"], GoldenTolerance.Sum(27, bnScale * convTerms + 1), 0);
        g.Close("capture.h4", run["pool"], GoldenTolerance.Sum(27, bnScale * convTerms + 1), 0);
        g.Close("capture.logits", run.Output, GoldenTolerance.Sum(64, denseTerms), 0);

        double dh = g.MaxAbs("capture.grad.h4");
        g.Close("capture.grad.h4", run.Gradient("pool"), GoldenTolerance.Sum(1, dh), 0);
        g.Close("capture.grad.h3", run.Gradient("relu"), GoldenTolerance.Sum(1, dh), 0);
        g.Close("capture.grad.h2", run.Gradient("bn"), GoldenTolerance.Sum(1, dh), 0);
        g.Close("capture.grad.h1", run.Gradient("conv"), GoldenTolerance.Sum(2, bnScale * dh), 0);
        // dx sums 4 output channels × 9 taps of w·dh1 per input pixel
        double dxTerms = ColumnAbsSumMax(kernel, 4, 27) * g.MaxAbs("capture.grad.h1");
        g.Close("capture.grad.x", run.InputGradient(), GoldenTolerance.Sum(36, dxTerms), 0);

        // the captured run computes what the fused model predicts
        TensorAssert.Close(model.Predict(x).AsReadOnlySpan(), run.Output.AsReadOnlySpan(),
            _ => GoldenTolerance.Sum(64, denseTerms), 0, "Predict vs Capture");
    }

    [Fact]
    public void Training_LossGradients_MatchTorchRetainedGradients()
    {
        var g = GoldenFile.Load("hooks", output);
        var model = Load(g, "");
        var run = model.Capture(g.Get("x"), Taps, training: true);
        var loss = Losses.SparseCategoricalCrossentropy(fromLogits: true).Compute(run.Output, g.Get("labels"));
        loss.Backward();
        g.Close("loss", loss, GoldenTolerance.Sum(4 * 5, g.MaxAbs("loss")), 0);   // mean of 4 log-sum-exps of 5
        g.Close("h1", run["conv"], GoldenTolerance.Sum(27, g.MaxAbs("h1")), 0);
        g.Close("h3", run["relu"], GoldenTolerance.Sum(256, g.MaxAbs("h3")), 0);
        g.Close("h4", run["pool"], GoldenTolerance.Sum(256, g.MaxAbs("h4")), 0);
        double dh = g.MaxAbs("retained.h4");
        g.Close("retained.h4", run.Gradient("pool"), GoldenTolerance.Sum(1, dh), 0);
        g.Close("retained.h3", run.Gradient("relu"), GoldenTolerance.Sum(1, dh), 0);
        g.Close("retained.h2", run.Gradient("bn"), GoldenTolerance.Sum(1, dh), 0);
        // BatchNorm's training backward subtracts batch sums of M = 256 terms of size |γ|·s·|dy|: same bound as the
        // retained-gradient test of HooksGoldenTests
        var gamma = g.Get("init.bn.gamma").ToArray();
        var h1 = g.Get("h1").ToArray();
        double worst = 0;
        for (int c = 0; c < 4; c++)
        {
            var v = Enumerable.Range(0, 4).SelectMany(n => Enumerable.Range(0, 64).Select(p => (double)h1[(n * 4 + c) * 64 + p]))
                .ToArray();
            double mean = v.Average(), variance = v.Select(a => (a - mean) * (a - mean)).Average();
            worst = Math.Max(worst, Math.Abs(gamma[c]) / Math.Sqrt(variance + 1e-3));
        }
        g.Close("retained.h1", run.Gradient("conv"), GoldenTolerance.Sum(256, worst * g.MaxAbs("retained.h2") * 3), 0);
        Assert.NotNull(run.InputGradient());
    }

    [Fact]
    public void WithoutGradients_KeepsOutputsOnly_AndLeavesTheInputAlone()
    {
        var model = Net();
        var x = Tensor.RandomNormal([2, 3, 8, 8], new Rng(1));
        using (GradMode.NoGrad())
        {
            var run = model.Capture(x, ["relu"], gradients: false);
            Assert.False(run["relu"].RequiresGrad);
            Assert.Equal(new Shape(2, 4, 8, 8), run["relu"].Shape);
            Assert.True(run["relu"].ToArray().All(v => v >= 0));
        }
        Assert.False(x.RequiresGrad);
        var withGrad = model.Capture(x, ["relu"]);
        Assert.False(x.RequiresGrad);   // the run uses a leaf that shares x's storage
        Assert.True(withGrad.Inputs[0].RequiresGrad);
    }

    [Fact]
    public void FunctionalModel_SharedLayerCalls_AndSeveralOutputs()
    {
        var a = Input.Create([4], "a");
        var b = Input.Create([4], "b");
        var shared = new Dense(4, Activations.Tanh, name: "shared");
        var ha = shared.Call(a);
        var hb = shared.Call(b);
        var sum = new Add(name: "sum").Call([ha, hb]);
        var model = new Model([a, b], [new Dense(2, name: "left").Call(sum), new Dense(1, name: "right").Call(sum)]);
        var rng = new Rng(2);
        var xa = Tensor.RandomNormal([3, 4], rng);
        var xb = Tensor.RandomNormal([3, 4], rng);

        var run = model.Capture([xa, xb], ["shared", "sum"]);
        Assert.Equal(2, run.Outputs.Count);
        Assert.Equal(2, run.Calls("shared").Count);
        var error = Assert.Throws<FoveaException>(() => run["shared"]);
        Assert.Contains("called 2 times", error.Message);
        Functional.Sum(run.Outputs[0]).Backward();
        // d sum / d shared(a) and d sum / d shared(b) are both d out / d sum: the Add passes the gradient through
        var gSum = run.Gradient("sum")!.ToArray();
        Assert.Equal(gSum, run.Calls("shared")[0].Grad!.ToArray());
        Assert.Equal(gSum, run.Calls("shared")[1].Grad!.ToArray());
        Assert.NotNull(run.InputGradient(1));
    }

    [Fact]
    public void UnknownLayer_NamesTheLayersThereAre()
    {
        var model = Net();
        var error = Assert.Throws<FoveaException>(() => model.Capture(Tensor.Zeros([1, 3, 8, 8]), ["conv2"]));
        Assert.Contains("no layer 'conv2'", error.Message);
        Assert.Contains("conv, bn, relu, pool, flatten, dense", error.Message);
        var run = model.Capture(Tensor.Zeros([1, 3, 8, 8]), ["conv"]);
        Assert.Contains("was not captured", Assert.Throws<FoveaException>(() => run["bn"]).Message);
    }

    /// <summary>The README's example ("Gradients, hooks and intermediate outputs") on a small model.</summary>
    [Fact]
    public void ReadmeExample_Runs()
    {
        var model = new Sequential(
            [
                new Conv2D(4, 3, name: "conv1"), new ReLU(), new Conv2D(6, 3, name: "conv2"), new ReLU(),
                new Flatten(), new Dense(8, name: "dense1"), new Dense(3),
            ],
            inputShape: [1, 8, 8]);
        var images = Tensor.RandomNormal([2, 1, 8, 8], new Rng(3));
        var classMask = Tensor.FromArray([1, 0, 0, 0, 0, 1], [2, 3]);

        var run = model.Capture(images, ["conv2", "dense1"]);
        var score = Functional.Sum(Functional.Multiply(run.Output, classMask));
        score.Backward();
        Tensor features = run["conv2"], dFeatures = run.Gradient("conv2")!, dImages = run.InputGradient()!;

        Tensor?[] grads = Gradients.Compute([score], [run["conv2"], run.Inputs[0]], allowUnused: false);

        run["dense1"].RegisterHook(g => Functional.Multiply(g, 0.5f));
        var ready = new List<string>();
        var loss = Functional.Sum(model.Capture(images, ["dense1"]).Output);
        loss.Backward(onGradientReady: p => ready.Add(p.Name!));

        Assert.Equal(new Shape(2, 6, 4, 4), features.Shape);
        Assert.Equal(features.Shape, dFeatures.Shape);
        Assert.Equal(images.Shape, dImages.Shape);
        Assert.Equal(dFeatures.ToArray(), grads[0]!.ToArray());   // the same gradient, by both routes
        Assert.Equal(dImages.ToArray(), grads[1]!.ToArray());
        Assert.Equal(model.TrainableWeights.Count(), ready.Count);
    }

    /// <summary>Largest Σ|w| over the rows of a [rows, ...] kernel.</summary>
    private static double RowAbsSumMax(float[] w, int rows)
    {
        int n = w.Length / rows;
        return Enumerable.Range(0, rows).Max(r => w.Skip(r * n).Take(n).Sum(v => (double)Math.Abs(v)));
    }

    /// <summary>Largest Σ|w| over output channels and taps for one input channel of a [out, in·k·k] kernel.</summary>
    private static double ColumnAbsSumMax(float[] w, int outChannels, int perOut)
    {
        int inChannels = 3, taps = perOut / inChannels;
        return Enumerable.Range(0, inChannels).Max(i => Enumerable.Range(0, outChannels)
            .Sum(o => Enumerable.Range(0, taps).Sum(t => (double)Math.Abs(w[o * perOut + i * taps + t]))));
    }
}
