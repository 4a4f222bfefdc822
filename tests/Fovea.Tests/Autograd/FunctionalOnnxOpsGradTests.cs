using Fovea.Autograd;
using Fovea.Kernels;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Autograd;

/// <summary>
/// Finite-difference checks of the ops added for ONNX import (shape moves, elementwise families, reductions,
/// normalisations, batched MatMul, resizing, N-d convolution, transposed convolution and pooling). float32:
/// ε = 1e−3, atol = rtol = 1e−2; inputs are kept away from kinks.
/// </summary>
public class FunctionalOnnxOpsGradTests
{
    private static Tensor Randn(Shape s, int seed, float scale = 1f) => Tensor.RandomNormal(s, new Rng(seed), 0f,
        scale);

    private static Tensor Positive(Shape s, int seed) => Tensor.RandomUniform(s, new Rng(seed), 0.5f, 2f);

    private static Tensor AwayFrom(Shape s, int seed, float[] kinks, float gap = 0.08f)
    {
        var t = Randn(s, seed, 2f);
        var v = t.AsSpan();
        for (int i = 0; i < v.Length; i++)
        {
            foreach (float k in kinks)
            {
                if (Math.Abs(v[i] - k) < gap)
                    v[i] = k + (v[i] >= k ? gap : -gap);
            }
        }
        return t;
    }

    /// <summary>A permutation of distinct values spaced 0.05 apart (no ties for max/min within ε).</summary>
    private static Tensor Distinct(Shape s, int seed)
    {
        var t = Tensor.Arange(s);
        var v = t.AsSpan();
        new Rng(seed).Shuffle(v);
        for (int i = 0; i < v.Length; i++)
            v[i] = v[i] * 0.05f - v.Length * 0.025f;
        return t;
    }

    [Fact]
    public void ShapeMoves_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.Permute(t[0], 2, 0, 1), [Randn([2, 3, 4], 1)]);
        GradCheck.Assert(t => Functional.Slice(t[0], [1, -1], [4, long.MinValue], [1, 2], [2, -2]), [Randn([2, 5, 4],
            2)]);
        GradCheck.Assert(t => Functional.Expand(t[0], 2, 3, 4), [Randn([3, 1], 3)]);
        GradCheck.Assert(t => Functional.Tile(t[0], 2, 1, 3), [Randn([2, 2, 2], 4)]);
        GradCheck.Assert(t => Functional.Gather(t[0], 1, [2, 0, 2, -1], [2, 2]), [Randn([2, 3, 2], 5)]);
        foreach (var mode in Enum.GetValues<PadMode>())
            GradCheck.Assert(t => Functional.Pad(t[0], [0, 0, 2, -1], [0, 1, 1, 2], mode, 0.5f), [Randn([1, 2, 3, 4],
                6)]);
    }

    [Theory]
    [InlineData("Exp", 0f, 0f)]
    [InlineData("Erf", 0f, 0f)]
    [InlineData("Softplus", 0f, 0f)]
    [InlineData("Softsign", 0f, 0f)]
    [InlineData("Elu", 0.7f, 0f)]
    [InlineData("Selu", 1.6732632f, 1.0507009f)]
    [InlineData("Celu", 1.3f, 0f)]
    [InlineData("HardSigmoid", 0.2f, 0.5f)]
    [InlineData("HardSwish", 0f, 0f)]
    [InlineData("Clip", -0.5f, 1f)]
    [InlineData("Gelu", 0f, 0f)]
    [InlineData("GeluTanh", 0f, 0f)]
    [InlineData("Mish", 0f, 0f)]
    [InlineData("Sin", 0f, 0f)]
    [InlineData("Cos", 0f, 0f)]
    [InlineData("Neg", 0f, 0f)]
    [InlineData("Abs", 0f, 0f)]
    [InlineData("ThresholdedRelu", 0.3f, 0f)]
    [InlineData("Atan", 0f, 0f)]
    public void Unary_Gradients_MatchFiniteDifferences(string name, float a, float b)
    {
        var kind = Enum.Parse<UnaryKind>(name);
        float[] kinks = kind switch
        {
            UnaryKind.HardSigmoid => [-(b / a), (1 - b) / a],
            UnaryKind.HardSwish => [-3f, 3f],
            UnaryKind.Clip => [a, b],
            UnaryKind.ThresholdedRelu => [a],
            _ => [0f],
        };
        GradCheck.Assert(t => Functional.Unary(t[0], kind, a, b), [AwayFrom([3, 7], 10 + (int)kind, kinks)]);
    }

    [Fact]
    public void PositiveDomainUnary_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.Log(t[0]), [Positive([3, 5], 30)]);
        GradCheck.Assert(t => Functional.Sqrt(t[0]), [Positive([3, 5], 31)]);
        GradCheck.Assert(t => Functional.Reciprocal(t[0]), [Positive([3, 5], 32)]);
        GradCheck.Assert(t => Functional.Pow(t[0], 2.5f), [Positive([3, 5], 33)]);
    }

    [Fact]
    public void BinaryAndWhere_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.Pow(t[0], t[1]), [Positive([2, 3], 40), Randn([3], 41)]);
        GradCheck.Assert(t => Functional.Maximum(t[0], t[1]), [Distinct([2, 3], 42), Tensor.Full([1, 3], 0.013f)]);
        GradCheck.Assert(t => Functional.Minimum(t[0], t[1]), [Distinct([2, 3], 43), Tensor.Full([2, 1], -0.017f)]);
        var condition = Tensor.FromArray([1f, 0f, 1f], [3]);
        GradCheck.Assert(t => Functional.Where(condition, t[0], t[1]), [Randn([2, 3], 44), Randn([2, 1], 45)]);
    }

    [Fact]
    public void Reductions_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.Sum(t[0], [0, 2], keepDims: true), [Randn([2, 3, 4], 50)]);
        GradCheck.Assert(t => Functional.Mean(t[0], [-1]), [Randn([2, 3, 4], 51)]);
        GradCheck.Assert(t => Functional.Max(t[0], [1]), [Distinct([2, 3, 4], 52)]);
        GradCheck.Assert(t => Functional.Min(t[0], []), [Distinct([2, 3], 53)]);
    }

    [Fact]
    public void SoftmaxFamily_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.LogSoftmax(t[0]), [Randn([3, 5], 60)]);
        GradCheck.Assert(t => Functional.LogSoftmax(t[0], 1), [Randn([2, 4, 3], 61)]);
        GradCheck.Assert(t => Functional.Softmax(t[0], 0), [Randn([3, 4], 62)]);
    }

    [Fact]
    public void Normalisations_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.LayerNorm(t[0], t[1], t[2], -2), [Randn([2, 3, 4], 70), Randn([3, 4], 71),
            Randn([4], 72)]);
        GradCheck.Assert(t => Functional.GroupNorm(t[0], 2, t[1], t[2]), [Randn([2, 4, 3], 73), Randn([4], 74),
            Randn([4], 75)]);
        GradCheck.Assert(t => Functional.Lrn(t[0], 3, 0.3f, 0.75f, 1.5f), [Randn([2, 5, 2, 2], 76)]);
        GradCheck.Assert(t => Functional.Lrn(t[0], 4, 0.2f, 0.6f, 2f), [Randn([1, 6, 3], 77)]);
    }

    [Fact]
    public void BatchMatMul_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.BatchMatMul(t[0], t[1]), [Randn([2, 1, 3, 4], 80), Randn([3, 4, 2], 81)]);
        GradCheck.Assert(t => Functional.BatchMatMul(t[0], t[1]), [Randn([4], 82), Randn([2, 4, 3], 83)]);
        GradCheck.Assert(t => Functional.BatchMatMul(t[0], t[1]), [Randn([2, 3, 4], 84), Randn([4], 85)]);
    }

    [Theory]
    [InlineData(ResizeMode.Linear, ResizeCoordinates.HalfPixel)]
    [InlineData(ResizeMode.Linear, ResizeCoordinates.AlignCorners)]
    [InlineData(ResizeMode.Cubic, ResizeCoordinates.PytorchHalfPixel)]
    [InlineData(ResizeMode.Nearest, ResizeCoordinates.Asymmetric)]
    public void Resize_Gradients_MatchFiniteDifferences(ResizeMode mode, ResizeCoordinates coordinates) =>
        GradCheck.Assert(t => Functional.Resize(t[0], [1, 2, 7, 3], mode, coordinates), [Randn([1, 2, 3, 5], 90)]);

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 2, 1)]
    [InlineData(1, 1, 2)]
    public void Conv1DAnd3D_Gradients_MatchFiniteDifferences(int stride, int dilation, int groups)
    {
        GradCheck.Assert(t => Functional.Conv(t[0], t[1], t[2], [stride], [1], [2], [dilation], groups),
            [Randn([2, 4, 9], 100), Randn([4, 4 / groups, 3], 101, 0.5f), Randn([4], 102)]);
        GradCheck.Assert(t => Functional.Conv(t[0], t[1], t[2], [stride, 1, stride], [1, 0, 1], [0, 1, 1],
            [1, dilation, 1], groups), [Randn([1, 2, 4, 5, 4], 103), Randn([2, 2 / groups, 2, 3, 2], 104, 0.5f),
                Randn([2], 105)]);
    }

    [Theory]
    [InlineData(1, 1, 1, 0)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(2, 2, 2, 0)]
    public void ConvTranspose_Gradients_MatchFiniteDifferences(int stride, int dilation, int groups, int outputPadding)
    {
        GradCheck.Assert(t => Functional.ConvTranspose(t[0], t[1], t[2], [stride, stride], [1, 0], [0, 1],
            [dilation, dilation], groups, [outputPadding, 0]),
            [Randn([2, 4, 3, 4], 110), Randn([4, 6 / groups, 3, 2], 111, 0.5f), Randn([6], 112)]);
        GradCheck.Assert(t => Functional.ConvTranspose(t[0], t[1], null, [stride], [0], [1], [dilation], groups),
            [Randn([1, 2, 5], 113), Randn([2, 2 / groups, 3], 114, 0.5f)]);
        GradCheck.Assert(t => Functional.ConvTranspose(t[0], t[1], t[2], [1, stride, 1], [0, 1, 0], [1, 0, 0],
            [1, 1, dilation], groups), [Randn([1, 2, 2, 3, 3], 115), Randn([2, 2 / groups, 2, 2, 2], 116, 0.5f),
                Randn([2 / groups * groups], 117)]);
    }

    [Fact]
    public void PoolingNd_Gradients_MatchFiniteDifferences()
    {
        GradCheck.Assert(t => Functional.MaxPool(t[0], [3], [2], [1], [1], [2], ceilMode: true), [Distinct([2, 2, 9],
            120)]);
        GradCheck.Assert(t => Functional.MaxPool(t[0], [2, 2, 2], [2, 1, 2], [0, 1, 1], [1, 0, 0]), [Distinct([1, 2, 3,
            4, 4], 121)]);
        GradCheck.Assert(t => Functional.AvgPool(t[0], [3, 2], [2, 2], [1, 0], [1, 1], ceilMode: true,
            countIncludePad: true),
            [Randn([1, 2, 6, 5], 122)]);
        GradCheck.Assert(t => Functional.AvgPool(t[0], [2, 3, 2], [1, 2, 2], [0, 1, 0], [1, 1, 1], ceilMode: false,
            countIncludePad: false), [Randn([1, 1, 3, 5, 4], 123)]);
    }
}
