using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;
using Fovea.Tests.Golden;
using Fovea.Training;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Tests.Autograd;

/// <summary>
/// Autograd's extension points against PyTorch (<c>tests/golden/hooks.safetensors</c>, written by
/// <c>tools/golden/make_hooks_golden.py</c>): on a conv → BatchNorm (training) → ReLU → max-pool → dense network with
/// the file's weights, <c>Gradients.Compute</c> against <c>torch.autograd.grad</c> (input and intermediate tensors, with and without output weights), retained
/// gradients against <c>retain_grad</c>, and the order in which parameter gradients become ready against PyTorch's
/// gradient hooks, where the data dependencies fix it (between layers). The layers are called one by one, as a
/// model executor would, so each layer's output is a tensor the test holds.
/// <para>
/// Tolerances (<see cref="GoldenTolerance.Sum"/>): a forward value or a weight gradient is a float32 sum of K terms
/// (27 per conv output, 64 per logit, N·H·W = 256 per conv weight gradient, 4 samples per dense weight gradient),
/// scaled by its largest expected value. Gradients at or below the BatchNorm layer come from
/// dx = γ·s/M·(M·dy − Σdy − x̂·Σ(dy·x̂)), s = 1/√(σ² + ε), M = 256: a difference of terms of size |γ|·s·|dy| that can
/// cancel, so their scale is that term size (<see cref="BatchNormTermScale"/>) and K = M; the conv backward below it
/// adds 36-term sums of |w|·|dh1|, included by scaling with Σ|w| per input.
/// </para>
/// </summary>
public sealed class HooksGoldenTests(ITestOutputHelper output)
{
    private const string FileName = "hooks";
    private const int M = 4 * 8 * 8;

    [Fact]
    public void Forward_GoldenWeights_ActivationsMatchTorch()
    {
        var g = GoldenFile.Load(FileName, output);
        var f = Run(g, Create(g));
        g.Close("h1", f.H1, GoldenTolerance.Sum(27, g.MaxAbs("h1")), 0);
        g.Close("h2", f.H2, GoldenTolerance.Sum(M, g.MaxAbs("h2")), 0);
        g.Close("h3", f.H3, GoldenTolerance.Sum(M, g.MaxAbs("h3")), 0);
        g.Close("h4", f.H4, GoldenTolerance.Sum(M, g.MaxAbs("h4")), 0);
        // The logits carry h4's error through a 64-term dense row: Σ|w|·tol(h4) on top of their own sum.
        var net = Create(g);
        double rowL1 = Enumerable.Range(0, 5).Max(o => Enumerable.Range(0, 64)
            .Sum(i => Math.Abs((double)net.Dense.Kernel.AsReadOnlySpan()[o * 64 + i])));
        double logitsTol = GoldenTolerance.Sum(64, g.MaxAbs("logits")) + rowL1 * GoldenTolerance.Sum(M, g.MaxAbs("h4"));
        g.Close("logits", f.Logits, logitsTol, 0);
        g.Close("loss", f.Loss, 2 * logitsTol, 0); // log-softmax: at most the largest logit error, twice
    }

    [Fact]
    public void GradientsCompute_LossWrtInputAndIntermediates_MatchTorchAndTouchNoGrad()
    {
        var g = GoldenFile.Load(FileName, output);
        var net = Create(g);
        var f = Run(g, net);
        var grads = Gradients.Compute([f.Loss], [f.X, f.H1, f.H3]);
        g.Close("grad.h3", grads[2], GoldenTolerance.Sum(64, g.MaxAbs("grad.h3")), 0);
        double bnScale = BatchNormTermScale(g, net, "retained.h2");
        g.Close("grad.h1", grads[1], GoldenTolerance.Sum(M, Math.Max(g.MaxAbs("grad.h1"), bnScale)), 0);
        g.Close("grad.x", grads[0], GoldenTolerance.Sum(M, Math.Max(g.MaxAbs("grad.x"), bnScale * KernelL1(net))), 0);
        Assert.All(new[] { f.X, f.H1, f.H2, f.H3, f.H4, f.Logits, f.Loss }, t => Assert.Null(t.Grad));
        Assert.All(Parameters(net).Values, p => Assert.Null(p.Grad));
    }

    [Fact]
    public void GradientsCompute_WeightedLogitsWrtInputAndBatchNormOutput_MatchTorch()
    {
        var g = GoldenFile.Load(FileName, output);
        var net = Create(g);
        var f = Run(g, net);
        var grads = Gradients.Compute([f.Logits], [f.X, f.H2], [g.Get("r")]);
        g.Close("vjp.h2", grads[1], GoldenTolerance.Sum(64, g.MaxAbs("vjp.h2")), 0);
        double bnScale = BatchNormTermScale(g, net, "vjp.h2");
        g.Close("vjp.x", grads[0], GoldenTolerance.Sum(M, Math.Max(g.MaxAbs("vjp.x"), bnScale * KernelL1(net))), 0);
        Assert.All(Parameters(net).Values, p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Backward_RetainedGradients_MatchTorch()
    {
        var g = GoldenFile.Load(FileName, output);
        var net = Create(g);
        var f = Run(g, net);
        foreach (var t in new[] { f.H1, f.H2, f.H3, f.H4, f.Logits })
            t.RetainGrad();
        f.Loss.Backward();
        g.Close("retained.logits", f.Logits.Grad, GoldenTolerance.Sum(1, g.MaxAbs("retained.logits")), 0);
        g.Close("retained.h4", f.H4.Grad, GoldenTolerance.Sum(5, g.MaxAbs("retained.h4")), 0);
        g.Close("retained.h3", f.H3.Grad, GoldenTolerance.Sum(5, g.MaxAbs("retained.h3")), 0);
        g.Close("retained.h2", f.H2.Grad, GoldenTolerance.Sum(5, g.MaxAbs("retained.h2")), 0);
        double bnScale = BatchNormTermScale(g, net, "retained.h2");
        g.Close("retained.h1", f.H1.Grad, GoldenTolerance.Sum(M, Math.Max(g.MaxAbs("retained.h1"), bnScale)), 0);
        double xScale = Math.Max(g.MaxAbs("backward.x"), bnScale * KernelL1(net));
        g.Close("backward.x", f.X.Grad, GoldenTolerance.Sum(M, xScale), 0);
        foreach (var (name, p) in Parameters(net))
        {
            int terms = name.StartsWith("dense.", StringComparison.Ordinal) ? 4 : M;
            double scale = name.StartsWith("conv.", StringComparison.Ordinal)
                ? Math.Max(g.MaxAbs($"grad.{name}"), bnScale * 9) : g.MaxAbs($"grad.{name}");
            g.Close($"grad.{name}", p.Grad, GoldenTolerance.Sum(terms, scale), 0);
        }
        Assert.Null(f.Loss.Grad); // not retained, as in PyTorch
    }

    [Fact]
    public void Backward_GradientReady_OncePerParameterCompleteAndInTorchsLayerOrder()
    {
        var g = GoldenFile.Load(FileName, output);
        var net = Create(g);
        var f = Run(g, net);
        var parameters = Parameters(net);
        var names = parameters.ToDictionary(kv => (Tensor)kv.Value, kv => kv.Key);
        var order = new List<string>();
        var atReady = new Dictionary<string, float[]>();
        f.Loss.Backward(p =>
        {
            order.Add(names[p]);
            atReady[names[p]] = p.Grad!.ToArray();
        });
        Assert.Equal(parameters.Keys.Order(), order.Order());
        foreach (var (name, p) in parameters)
            Assert.Equal(p.Grad!.ToArray(), atReady[name]); // nothing was added after the event

        var torchOrder = g.Json("ready_order").AsArray().Select(n => (string)n!).ToList();
        var layerOf = g.Json("layer_of").AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>());
        output.WriteLine($"ready: Fovea {string.Join(", ", order)}; PyTorch {string.Join(", ", torchOrder)}");
        Assert.Equal(torchOrder.Select(n => layerOf[n]), order.Select(n => layerOf[n]));
    }

    [Fact]
    public void Backward_SharedLayer_ReadyOnceAfterBothUsesAndGradientsMatchTorch()
    {
        var g = GoldenFile.Load(FileName, output);
        var lin = new Dense(6, Activations.Tanh);
        var head = new Dense(3);
        var x = g.Get("shared.x");
        using (GradMode.NoGrad())
            _ = head.Call(lin.Call(lin.Call(x)));
        var parameters = new Dictionary<string, Parameter>
        {
            ["lin.kernel"] = lin.Kernel, ["lin.bias"] = lin.Bias!,
            ["head.kernel"] = head.Kernel, ["head.bias"] = head.Bias!,
        };
        foreach (var (name, p) in parameters)
            p.Assign(g.Get($"shared.init.{name}").AsReadOnlySpan());
        var names = parameters.ToDictionary(kv => (Tensor)kv.Value, kv => kv.Key);

        var y = head.Call(lin.Call(lin.Call(x, training: true), training: true), training: true);
        var loss = Functional.Multiply(Functional.Sum(Functional.Multiply(y, y)), 0.5f);
        var order = new List<string>();
        var atReady = new Dictionary<string, float[]>();
        loss.Backward(p =>
        {
            order.Add(names[p]);
            atReady[names[p]] = p.Grad!.ToArray();
        });

        g.Close("shared.loss", loss, GoldenTolerance.Sum(6, g.MaxAbs("shared.loss")), 0);
        foreach (var (name, p) in parameters)
        {
            g.Close($"shared.grad.{name}", p.Grad, GoldenTolerance.Sum(12, g.MaxAbs($"shared.grad.{name}")), 0);
            Assert.Equal(p.Grad!.ToArray(), atReady[name]);
        }
        var calls = g.Json("shared_calls").AsObject();
        foreach (var name in parameters.Keys)
            Assert.Equal(calls[name]!.GetValue<int>(), order.Count(n => n == name));
        var torchOrder = g.Json("shared_ready_order").AsArray().Select(n => ((string)n!).Split('.')[0]).ToList();
        Assert.Equal(torchOrder, order.Select(n => n.Split('.')[0]));
    }

    private sealed record Net(Conv2D Conv, BatchNormalization Bn, ReLU Relu, MaxPooling2D Pool, Flatten Flatten,
        Dense Dense);

    private sealed record ForwardPass(Tensor X, Tensor H1, Tensor H2, Tensor H3, Tensor H4, Tensor Logits,
        Tensor Loss);

    /// <summary>The layers, built on the golden input's shape, with the golden weights.</summary>
    private static Net Create(GoldenFile g)
    {
        var net = new Net(new Conv2D(4, 3, padding: Padding.Same), new BatchNormalization(epsilon: 1e-3f), new ReLU(),
            new MaxPooling2D(2), new Flatten(), new Dense(5));
        using (GradMode.NoGrad())
            _ = net.Dense.Call(net.Flatten.Call(net.Pool.Call(net.Relu.Call(net.Bn.Call(net.Conv.Call(g.Get("x")))))));
        foreach (var (name, p) in Parameters(net))
            p.Assign(g.Get($"init.{name}").AsReadOnlySpan());
        return net;
    }

    private static Dictionary<string, Parameter> Parameters(Net net) => new()
    {
        ["conv.kernel"] = net.Conv.Kernel!, ["conv.bias"] = net.Conv.Bias!, ["bn.gamma"] = net.Bn.Gamma!,
        ["bn.beta"] = net.Bn.Beta!, ["dense.kernel"] = net.Dense.Kernel!, ["dense.bias"] = net.Dense.Bias!,
    };

    private static ForwardPass Run(GoldenFile g, Net net)
    {
        var x = g.Input("x");
        var h1 = net.Conv.Call(x, training: true);
        var h2 = net.Bn.Call(h1, training: true);
        var h3 = net.Relu.Call(h2, training: true);
        var h4 = net.Pool.Call(h3, training: true);
        var logits = net.Dense.Call(net.Flatten.Call(h4, training: true), training: true);
        var loss = Losses.SparseCategoricalCrossentropy(fromLogits: true).Compute(logits, g.Get("labels"));
        return new ForwardPass(x, h1, h2, h3, h4, logits, loss);
    }

    /// <summary>
    /// max_c |γ_c|·s_c · max|dy|: the size of the terms that cancel in BatchNorm's dx (dy: golden
    /// <paramref name="dyName"/>).
    /// </summary>
    private static double BatchNormTermScale(GoldenFile g, Net net, string dyName)
    {
        var h1 = g.Get("h1").AsReadOnlySpan();
        var gamma = net.Bn.Gamma!.AsReadOnlySpan();
        double worst = 0;
        for (int c = 0; c < 4; c++)
        {
            var values = new List<double>();
            for (int n = 0; n < 4; n++)
            {
                for (int i = 0; i < 64; i++)
                    values.Add(h1[(n * 4 + c) * 64 + i]);
            }
            double mean = values.Average();
            double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
            worst = Math.Max(worst, Math.Abs(gamma[c]) / Math.Sqrt(variance + 1e-3));
        }
        return worst * g.MaxAbs(dyName);
    }

    /// <summary>Largest Σ|w| over the 36 kernel weights one input pixel meets (per input channel).</summary>
    private static double KernelL1(Net net)
    {
        var w = net.Conv.Kernel!.AsReadOnlySpan();
        double worst = 0;
        for (int ic = 0; ic < 3; ic++)
        {
            double s = 0;
            for (int oc = 0; oc < 4; oc++)
            {
                for (int k = 0; k < 9; k++)
                    s += Math.Abs(w[(oc * 3 + ic) * 9 + k]);
            }
            worst = Math.Max(worst, s);
        }
        return worst;
    }
}
