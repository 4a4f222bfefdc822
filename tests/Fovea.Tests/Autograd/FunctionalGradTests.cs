using Fovea.Autograd;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Autograd;

/// <summary>
/// Finite-difference checks of every differentiable op (float32: ε = 1e−3, atol = rtol = 1e−2 unless a case says
/// otherwise). Inputs are drawn away from kinks: ReLU-family inputs avoid |x| &lt; 0.05, max-pool inputs are distinct.
/// </summary>
public class FunctionalGradTests
{
    private static Tensor Randn(Shape s, int seed, float scale = 1f) => Tensor.RandomNormal(s, new Rng(seed), 0f, scale);

    /// <summary>Normal samples pushed away from 0 by at least <paramref name="gap"/> (for kinks at 0).</summary>
    private static Tensor AwayFromZero(Shape s, int seed, float gap = 0.05f)
    {
        var t = Randn(s, seed);
        var v = t.AsSpan();
        for (int i = 0; i < v.Length; i++)
            v[i] += v[i] >= 0 ? gap : -gap;
        return t;
    }

    /// <summary>A permutation of distinct values, so max-pooling has no ties within ε.</summary>
    private static Tensor Distinct(Shape s, int seed)
    {
        var t = Tensor.Arange(s);
        var v = t.AsSpan();
        new Rng(seed).Shuffle(v);
        for (int i = 0; i < v.Length; i++)
            v[i] = v[i] * 0.05f - v.Length * 0.025f;
        return t;
    }

    [Theory]
    [InlineData(1, 1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1, 1)]
    [InlineData(1, 2, 1, 1, 1)]
    [InlineData(2, 2, 0, 1, 2)]
    [InlineData(1, 1, 2, 2, 1)]
    [InlineData(1, 1, 1, 1, 4)]
    public void Conv2D_Gradients_MatchFiniteDifferences(int strideH, int strideW, int pad, int dilation, int groups)
    {
        var x = Randn([2, 4, 7, 6], 1);
        var w = Randn([4, 4 / groups, 3, 3], 2, 0.5f);
        var b = Randn([4], 3);
        GradCheck.Assert(t => Functional.Conv2D(t[0], t[1], t[2], (strideH, strideW), (pad, pad, pad + 1, pad),
            dilation, groups), [x, w, b]);
    }

    [Fact]
    public void Conv2D_SamePadding_Gradients_MatchFiniteDifferences()
    {
        var x = Randn([1, 2, 5, 5], 4);
        var w = Randn([3, 2, 3, 3], 5, 0.5f);
        GradCheck.Assert(t => Functional.Conv2D(t[0], t[1], null, 2, Padding.Same), [x, w]);
    }

    [Fact]
    public void Linear_Gradients_MatchFiniteDifferences() =>
        GradCheck.Assert(t => Functional.Linear(t[0], t[1], t[2]), [Randn([3, 5], 6), Randn([4, 5], 7), Randn([4], 8)]);

    [Fact]
    public void MatMul_Gradients_MatchFiniteDifferences() =>
        GradCheck.Assert(t => Functional.MatMul(t[0], t[1]), [Randn([3, 4], 9), Randn([4, 2], 10)]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNorm_Gradients_MatchFiniteDifferences(bool training)
    {
        var x = Randn([3, 2, 3, 2], 11);
        var gamma = Randn([2], 12);
        var beta = Randn([2], 13);
        var mean = Randn([2], 14);
        var variance = Tensor.FromArray(0.7f, 1.3f);
        // Running statistics are updated in place in training mode; the check evaluates f many times, so give each
        // evaluation fresh copies (the normalisation itself uses batch statistics and does not depend on them).
        GradCheck.Assert(t => Functional.BatchNorm(t[0], t[1], t[2], mean.Clone(), variance.Clone(), training), [x, gamma, beta]);
    }

    [Fact]
    public void MaxPool2D_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.MaxPool2D(t[0], 2), [Distinct([2, 2, 4, 5], 15)]);
        GradCheck.Assert(t => Functional.MaxPool2D(t[0], 3, 2, Padding.Same), [Distinct([1, 2, 5, 5], 16)]);
    }

    [Fact]
    public void AvgPool2D_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.AvgPool2D(t[0], 2), [Randn([2, 2, 4, 4], 17)]);
        GradCheck.Assert(t => Functional.AvgPool2D(t[0], 3, 2, Padding.Same), [Randn([1, 2, 5, 6], 18)]);
    }

    [Fact]
    public void GlobalAvgPool_Gradients_MatchFiniteDifferences() =>
        GradCheck.Assert(t => Functional.GlobalAvgPool(t[0]), [Randn([2, 3, 2, 3], 19)]);

    [Fact]
    public void Activations_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.Relu(t[0]), [AwayFromZero([4, 6], 20)]);
        GradCheck.Assert(t => Functional.LeakyRelu(t[0], 0.2f), [AwayFromZero([4, 6], 21)]);
        GradCheck.Assert(t => Functional.Silu(t[0]), [Randn([4, 6], 22, 2f)]);
        GradCheck.Assert(t => Functional.Sigmoid(t[0]), [Randn([4, 6], 23, 2f)]);
        GradCheck.Assert(t => Functional.Tanh(t[0]), [Randn([4, 6], 24)]);
        GradCheck.Assert(t => Functional.Softmax(t[0]), [Randn([3, 5], 25)]);
        GradCheck.Assert(t => Functional.PRelu(t[0], t[1]), [AwayFromZero([2, 3, 2, 2], 26), Randn([3], 27)]);
    }

    [Fact]
    public void Dropout_Gradient_IsTheMask()
    {
        // The mask is drawn once per call, so the finite-difference check needs the same mask each time: reseed.
        var x = Randn([4, 8], 28);
        GradCheck.Assert(t => Functional.Dropout(t[0], 0.5f, training: true, new Rng(7)), [x]);
    }

    [Fact]
    public void Broadcasting_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.Add(t[0], t[1]), [Randn([2, 3, 4], 29), Randn([3, 1], 30)]);
        GradCheck.Assert(t => Functional.Subtract(t[0], t[1]), [Randn([2, 3], 31), Randn([3], 32)]);
        GradCheck.Assert(t => Functional.Multiply(t[0], t[1]), [Randn([2, 1, 4], 33), Randn([3, 1], 34)]);
        var denominator = AwayFromZero([4], 35, 0.5f);
        GradCheck.Assert(t => Functional.Divide(t[0], t[1]), [Randn([3, 4], 36), denominator]);
    }

    [Fact]
    public void AddN_Concat_Reshape_Sum_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.AddN([t[0], t[1], t[0]]), [Randn([2, 3], 37), Randn([2, 3], 38)]);
        GradCheck.Assert(t => Functional.Concat([t[0], t[1]], 1), [Randn([2, 2, 3], 39), Randn([2, 1, 3], 40)]);
        GradCheck.Assert(t => Functional.Flatten(Functional.Reshape(t[0], 3, -1)), [Randn([2, 3, 2], 41)]);
        GradCheck.Assert(t => Functional.Mean(t[0]), [Randn([3, 4], 42)]);
        GradCheck.Assert(t => Functional.Sum(t[0]), [Randn([3, 4], 43)]);
    }

    /// <summary>A fixed 3×4 probability table (rows sum to 1).</summary>
    private static Tensor Probabilities3x4() => Tensor.FromArray(
        [0.1f, 0.2f, 0.3f, 0.4f, 0.25f, 0.25f, 0.25f, 0.25f, 0.7f, 0.1f, 0.1f, 0.1f], [3, 4]);

    [Fact]
    public void CrossEntropies_Gradients_MatchFiniteDifferences()
    {
        var indices = Tensor.FromArray(2f, 0f, 3f);
        var probabilities = Probabilities3x4();
        GradCheck.Assert(t => Functional.SoftmaxCrossEntropy(t[0], indices), [Randn([3, 4], 44)]);
        GradCheck.Assert(t => Functional.SoftmaxCrossEntropy(t[0], indices, 0.1f), [Randn([3, 4], 45)]);
        GradCheck.Assert(t => Functional.SoftmaxCrossEntropy(t[0], probabilities, 0.2f), [Randn([3, 4], 46)]);
        // Probabilities input (not from a softmax op): Keras's renormalise-and-clip path.
        var p = Tensor.RandomUniform([3, 4], new Rng(47), 0.1f, 1f);
        GradCheck.Assert(t => Functional.CrossEntropy(t[0], indices, 0.1f), [p]);
    }
}
