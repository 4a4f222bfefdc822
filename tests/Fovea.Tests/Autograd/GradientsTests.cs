using Fovea.Autograd;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Autograd;

/// <summary>
/// <see cref="Gradients.Compute(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool)"/>:
/// hand-checkable cases with the expected values written inline, finite differences with respect to an input and an
/// intermediate tensor, and the contract of torch.autograd.grad (no Grad touched, unused inputs, errors).
/// </summary>
public class GradientsTests
{
    [Fact]
    public void Compute_Polynomial_GivesDerivativeAndLeavesGradNull()
    {
        // y = Σ (x·x + 3x) → dy/dx = 2x + 3
        var x = Tensor.FromArray(1f, -2f, 3f);
        x.RequiresGrad = true;
        var y = Functional.Sum(Functional.Add(Functional.Multiply(x, x), Functional.Multiply(x, 3f)));
        Assert.Equal([5f, -1f, 9f], Gradients.Compute(y, x).ToArray());
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Compute_IntermediateAndInput_SumsEveryPath()
    {
        // h = 2x; y = Σ (h·w) + Σ x → dy/dh = w, dy/dx = 2w + 1
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        var w = Tensor.FromArray(3f, -1f);
        var h = Functional.Multiply(x, 2f);
        var y = Functional.Add(Functional.Sum(Functional.Multiply(h, w)), Functional.Sum(x));
        var grads = Gradients.Compute([y], [h, x, h]);
        Assert.Equal([3f, -1f], grads[0]!.ToArray());
        Assert.Equal([7f, -1f], grads[1]!.ToArray());
        Assert.Equal([3f, -1f], grads[2]!.ToArray()); // a repeated input gets the same gradient
        Assert.NotSame(grads[0], grads[2]);
    }

    [Fact]
    public void Compute_SeveralWeightedOutputs_IsTheirVectorJacobianProduct()
    {
        // a = x·x, b = 3x; weights u, v → d/dx = 2x·u + 3v
        var x = Tensor.FromArray(1f, -1f);
        x.RequiresGrad = true;
        var a = Functional.Multiply(x, x);
        var b = Functional.Multiply(x, 3f);
        var u = Tensor.FromArray(1f, 2f);
        var v = Tensor.FromArray(10f, 0f);
        var dx = Gradients.Compute([a, b], [x], [u, v])[0]!;
        Assert.Equal([32f, -4f], dx.ToArray());
        Assert.Equal([1f, 2f], u.ToArray()); // the weights are not summed into
        Assert.Equal([10f, 0f], v.ToArray());
    }

    [Fact]
    public void Compute_UnusedInput_ThrowsOrGivesNullWithAllowUnused()
    {
        var x = Tensor.FromArray(1f, 2f);
        var z = Tensor.FromArray(5f);
        x.RequiresGrad = true;
        z.RequiresGrad = true;
        var y = Functional.Sum(x);
        var e = Assert.Throws<InvalidOperationException>(() => Gradients.Compute([y], [x, z]));
        Assert.Contains("input 1", e.Message);
        Assert.Contains("allowUnused", e.Message);
        var grads = Gradients.Compute([y], [x, z], allowUnused: true);
        Assert.Equal([1f, 1f], grads[0]!.ToArray());
        Assert.Null(grads[1]);
    }

    [Fact]
    public void Compute_KeepsParameterAndRetainedGradients()
    {
        var p = new Parameter("p", [2]);
        p.Assign([1f, 2f]);
        var x = Tensor.FromArray(3f, 4f);
        x.RequiresGrad = true;
        var h = Functional.Multiply(p, x);
        h.RetainGrad();
        var y = Functional.Sum(Functional.Multiply(h, h));
        y.Backward();
        float[] pGrad = p.Grad!.ToArray(), hGrad = h.Grad!.ToArray(), xGrad = x.Grad!.ToArray();
        var grads = Gradients.Compute([y], [p, h, x]);
        Assert.Equal(pGrad, grads[0]!.ToArray());
        Assert.Equal(hGrad, grads[1]!.ToArray());
        Assert.Equal(xGrad, grads[2]!.ToArray());
        Assert.Equal(pGrad, p.Grad!.ToArray());
        Assert.Equal(hGrad, h.Grad!.ToArray());
        Assert.Equal(xGrad, x.Grad!.ToArray());
    }

    [Fact]
    public void Compute_OutputIsTheInput_GivesTheWeight()
    {
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        Assert.Equal([4f, 5f], Gradients.Compute(x, x, Tensor.FromArray(4f, 5f)).ToArray());
    }

    [Fact]
    public void Compute_HookOnIntermediate_ChangesWhatReachesTheInput()
    {
        // h = 2x; y = Σ h·w; the hook doubles dy/dh → dy/dx = 4w
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        var h = Functional.Multiply(x, 2f);
        using var handle = h.RegisterHook(g => Functional.Multiply(g, 2f));
        var y = Functional.Sum(Functional.Multiply(h, Tensor.FromArray(3f, -1f)));
        var grads = Gradients.Compute([y], [x, h]);
        Assert.Equal([12f, -4f], grads[0]!.ToArray());
        Assert.Equal([6f, -2f], grads[1]!.ToArray());
    }

    [Fact]
    public void Compute_BadArguments_SayWhatWasExpected()
    {
        var x = Tensor.FromArray(1f, 2f);
        var constant = Tensor.FromArray(1f);
        x.RequiresGrad = true;
        var y = Functional.Multiply(x, 2f);
        Assert.Contains("one element", Assert.Throws<ArgumentException>(() => Gradients.Compute(y, x)).Message);
        Assert.Contains("does not require a gradient",
            Assert.Throws<InvalidOperationException>(() => Gradients.Compute(Functional.Sum(y), constant)).Message);
        Assert.Contains("expected the output's shape", Assert.Throws<ArgumentException>(
            () => Gradients.Compute(y, x, Tensor.FromArray(1f, 2f, 3f))).Message);
    }

    /// <summary>
    /// Finite differences (float32, ε = 1e−3, atol = rtol = 1e−2 as in <see cref="GradCheck"/>) of L = Σ r ⊙ f along
    /// random directions, for the gradient with respect to the input x and to the intermediate h of
    /// f = maxpool(relu(conv(h))), h = conv(x) (away from ReLU's kink and pooling ties with random data).
    /// </summary>
    [Fact]
    public void Compute_ConvReluPoolWrtInputAndIntermediate_MatchesFiniteDifferences()
    {
        var rng = new Rng(7);
        var x = Tensor.RandomNormal([2, 2, 6, 6], rng);
        var w1 = Tensor.RandomNormal([3, 2, 3, 3], rng, std: 0.4f);
        var w2 = Tensor.RandomNormal([2, 3, 3, 3], rng, std: 0.4f);
        Tensor Head(Tensor h) => Functional.MaxPool2D(Functional.Relu(Functional.Conv2D(h, w2)), 2);
        Tensor Stem(Tensor t) => Functional.Conv2D(t, w1, padding: Padding.Same);
        x.RequiresGrad = true;
        var hidden = Stem(x);
        var y = Head(hidden);
        var r = Tensor.RandomNormal(y.Shape, rng);
        var grads = Gradients.Compute([y], [x, hidden], [r]);
        CheckDirections(t => Head(Stem(t)), x, grads[0]!, r, rng);
        using (GradMode.NoGrad())
            hidden = Stem(x);
        CheckDirections(Head, hidden, grads[1]!, r, rng);
    }

    private static void CheckDirections(Func<Tensor, Tensor> f, Tensor at, Tensor analytic, Tensor r, Rng rng)
    {
        const float eps = 1e-3f;
        double Loss(Tensor t)
        {
            using var _ = GradMode.NoGrad();
            var y = f(t).AsReadOnlySpan();
            double s = 0;
            for (int i = 0; i < y.Length; i++)
                s += (double)y[i] * r.AsReadOnlySpan()[i];
            return s;
        }
        var a = analytic.ToArray();
        var origin = at.ToArray();
        for (int d = 0; d < 6; d++)
        {
            var v = Tensor.RandomNormal(at.Shape, rng).ToArray();
            double norm = Math.Sqrt(v.Sum(e => (double)e * e));
            double expected = 0;
            var plus = new float[v.Length];
            var minus = new float[v.Length];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (float)(v[i] / norm);
                expected += (double)v[i] * a[i];
                plus[i] = origin[i] + eps * v[i];
                minus[i] = origin[i] - eps * v[i];
            }
            double numeric = (Loss(Tensor.Wrap(plus, at.Shape)) - Loss(Tensor.Wrap(minus, at.Shape))) / (2 * eps);
            Assert.True(Math.Abs(numeric - expected) <= 1e-2 + 1e-2 * Math.Abs(numeric),
                $"direction {d}: finite difference {numeric:G6}, Gradients.Compute {expected:G6}");
        }
    }

    [Fact]
    public void Compute_AsksOpsOnlyForGradientsOnAPathToAWantedTensor()
    {
        // y = Σ (x + w) with x and w both requiring a gradient: the gradient with respect to x alone must not make the
        // op compute w's (as PyTorch's autograd.grad skips parameter gradients), Backward() still asks for both.
        var x = Tensor.FromArray(1f, 2f);
        x.RequiresGrad = true;
        var w = Tensor.FromArray(3f, 4f);
        w.RequiresGrad = true;
        var probe = new ProbeFunction();
        var y = Functional.Sum(probe.Apply(x, w));
        Assert.Equal([1f, 1f], Gradients.Compute(y, x).ToArray());
        Assert.Equal((true, false), probe.Asked);
        Assert.Equal([1f, 1f], Gradients.Compute(y, w).ToArray());
        Assert.Equal((false, true), probe.Asked);
        y.Backward();
        Assert.Equal((true, true), probe.Asked);
        Assert.Equal([1f, 1f], w.Grad!.ToArray());
    }

    /// <summary>x + w, remembering which input gradients its last backward needed.</summary>
    private sealed class ProbeFunction : Function
    {
        public (bool X, bool W) Asked { get; private set; }

        public Tensor Apply(Tensor x, Tensor w)
        {
            var y = Tensor.FromArray(x[0] + w[0], x[1] + w[1]);
            return Record(y, x, w);
        }

        internal override Tensor?[] Backward(Tensor dy)
        {
            Asked = (NeedsGrad(0), NeedsGrad(1));
            return [Asked.X ? dy.Clone() : null, Asked.W ? dy.Clone() : null];
        }
    }
}
