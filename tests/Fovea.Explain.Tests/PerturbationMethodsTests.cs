using Fovea.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace Fovea.Explain.Tests;

/// <summary>
/// Occlusion, LIME, KernelSHAP and exact Shapley values against cases with known answers: games whose Shapley values
/// follow from the axioms, additive functions (where every method must return each feature's own contribution),
/// and scikit-learn's weighted Ridge.
/// </summary>
public sealed class PerturbationMethodsTests(ITestOutputHelper output)
{
    // A game with known Shapley values: additive part a, pairwise interactions split in halves, a three-way term in
    // thirds (symmetry and additivity): φ = a + Σⱼ c_ij / 2 + t/3 for members of the triple.
    private static readonly double[] s_a = [0.5, -1.0, 2.0, 0.25, 0.0, 1.5, -0.75];

    private static double Game(bool[] z)
    {
        double v = 0;
        for (int i = 0; i < z.Length; i++)
            v += z[i] ? s_a[i] : 0;
        if (z[0] && z[1])
            v += 1.2;
        if (z[2] && z[5])
            v -= 0.6;
        if (z[3] && z[4] && z[6])
            v += 0.9;
        return v;
    }

    private static double[] GameShapley() =>
    [
        0.5 + 0.6, -1.0 + 0.6, 2.0 - 0.3, 0.25 + 0.3, 0.0 + 0.3, 1.5 - 0.3, -0.75 + 0.3,
    ];

    private static double[] Values(IReadOnlyList<bool[]> zs) => zs.Select(Game).ToArray();

    [Fact]
    public void Exact_GameWithInteractions_MatchesAxioms()
    {
        var phi = Shapley.Exact(7, Values);
        var expected = GameShapley();
        for (int i = 0; i < 7; i++)
            Assert.Equal(expected[i], phi[i], 1e-12);
    }

    [Fact]
    public void KernelShap_AllCoalitions_EqualsExactShapley()
    {
        // With every coalition and the Shapley kernel, the constrained regression is the Shapley value (Lundberg
        // and Lee 2017, Theorem 2); here also on a nonlinear game with 10 players.
        static double Nonlinear(bool[] z) => Math.Pow(z.Select((b, i) => b ? i + 1.0 : 0).Sum(), 1.5) +
            (z[0] && z[9] ? 3 : 0) - (z[4] ^ z[5] ? 1 : 0);
        double[] V(IReadOnlyList<bool[]> zs) => zs.Select(Nonlinear).ToArray();
        var exact = Shapley.Exact(10, V);
        var kernel = Shapley.KernelShap(10, V, samples: 1 << 10);
        for (int i = 0; i < 10; i++)
            Assert.Equal(exact[i], kernel[i], 1e-9);
        var game = Shapley.KernelShap(7, Values, samples: 200);
        Assert.Equal(GameShapley(), game, (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void KernelShap_Sampled_IsEfficientAndCloseToExact()
    {
        double[] V(IReadOnlyList<bool[]> zs) => zs.Select(z => Game([.. z.Take(7)]) + (z[8] && z[11] ? 2 : 0) +
            z.Skip(7).Count(b => b) * 0.1).ToArray();
        var exact = Shapley.Exact(12, V);
        var sampled = Shapley.KernelShap(12, V, samples: 3000, seed: 5);
        var ends = V([new bool[12], Enumerable.Repeat(true, 12).ToArray()]);
        Assert.Equal(ends[1] - ends[0], sampled.Sum(), 1e-9);   // efficiency, by construction
        double err = exact.Zip(sampled).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"sampled KernelSHAP (3000 coalitions of 4094) max |error| {err:G3}");
        // Monte Carlo error of 3000 draws on Shapley values of order 1 (measured 0.12 with seed 5).
        Assert.True(err < 0.25, $"max error {err}");
    }

    [Fact]
    public void WeightedRidge_MatchesScikitLearn()
    {
        var x = ExplainGolden.Get("ridge.x");
        int n = x.Shape[0], p = x.Shape[1];
        var xs = x.ToArray();
        var rows = Enumerable.Range(0, n).Select(r => xs.Skip(r * p).Take(p).Select(v => (double)v).ToArray()).ToList();
        var (coef, intercept, _) = WeightedRidge.Fit(rows,
            ExplainGolden.Get("ridge.y").ToArray().Select(v => (double)v).ToList(),
            ExplainGolden.Get("ridge.w").ToArray().Select(v => (double)v).ToList(), alpha: 1.0);
        var expected = ExplainGolden.Get("ridge.coef").ToArray();
        for (int j = 0; j < p; j++)
            Assert.Equal(expected[j], coef[j], 1e-5);   // float32-stored answer
        Assert.Equal(ExplainGolden.Get("ridge.intercept").ToArray()[0], intercept, 1e-5);
    }

    // An additive model: F(x)_k = Σ w_k ⊙ x over a [1, 2, 6, 6] image, K = 2 classes.
    private static readonly float[] s_w = Enumerable.Range(0, 2 * 72).Select(i => (float)Math.Sin(i * 0.7)).ToArray();

    private static Tensor Linear(Tensor x)
    {
        int n = x.Shape[0], d = x.Length / n;
        var y = new float[n * 2];
        var v = x.AsReadOnlySpan();
        for (int i = 0; i < n; i++)
        for (int k = 0; k < 2; k++)
        for (int j = 0; j < d; j++)
            y[i * 2 + k] += s_w[k * d + j] * v[i * d + j];
        return Tensor.Wrap(y, [n, 2]);
    }

    private static Tensor Image => Tensor.RandomUniform([2, 2, 6, 6], new Rng(3), 0, 1);

    /// <summary>3×3 blocks of 2×2 pixels: 9 superpixels.</summary>
    private static int[] Blocks(float[] image, int c, int h, int w) =>
        Enumerable.Range(0, h * w).Select(p => (p / w / 2) * 3 + (p % w / 2)).ToArray();

    /// <summary>Σ over the block's pixels and channels of w·(x − hidden): each block's own contribution.</summary>
    private static double BlockContribution(float[] x, int sample, int block, int target, Func<int, float> hidden)
    {
        double s = 0;
        for (int c = 0; c < 2; c++)
        for (int p = 0; p < 36; p++)
        {
            if ((p / 6 / 2) * 3 + (p % 6 / 2) == block)
                s += s_w[target * 72 + c * 36 + p] * (x[sample * 72 + c * 36 + p] - hidden(c * 36 + p));
        }
        return s;
    }

    [Theory]
    [InlineData(12)]
    [InlineData(4)]
    public void KernelShap_AdditiveModel_EachSuperpixelGetsItsContribution(int exactUpTo)
    {
        // 9 superpixels: exact enumeration (12) or sampled regression (4), which is exact for an additive model.
        var ks = new KernelShap(Linear)
        {
            ExactUpTo = exactUpTo, Samples = 300, BatchSize = 16,
            Superpixels = new SuperpixelOptions { Segmentation = Blocks, HideValue = 0f },
        };
        var x = Image;
        var a = ks.Attribute(x, 1);
        var xs = x.ToArray();
        var v = a.Values.ToArray();
        for (int i = 0; i < 2; i++)
        {
            for (int p = 0; p < 36; p++)
                Assert.Equal(BlockContribution(xs, i, Blocks([], 2, 6, 6)[p], 1, _ => 0f), v[i * 36 + p], 1e-4);
        }
        Assert.All(a.ConvergenceDelta!, d => Assert.True(Math.Abs(d) < 1e-4, $"efficiency delta {d}"));
    }

    [Fact]
    public void Lime_AdditiveModel_RecoversContributions()
    {
        // For F additive over superpixels the masked scores are exactly linear in the mask, so the weighted fit
        // (with a negligible penalty) returns each superpixel's contribution against its mean colour.
        var lime = new Lime(Linear)
        {
            Samples = 200, Alpha = 1e-9, BatchSize = 50,
            Superpixels = new SuperpixelOptions { Segmentation = Blocks },
        };
        var x = Image;
        var a = lime.Attribute(x, 0).Values.ToArray();
        var xs = x.ToArray();
        var labels = Blocks([], 2, 6, 6);
        for (int i = 0; i < 2; i++)
        {
            float Mean(int e)
            {
                int c = e / 36, block = labels[e % 36];
                return (float)Enumerable.Range(0, 36).Where(q => labels[q] == block)
                    .Average(q => xs[i * 72 + c * 36 + q]);
            }
            for (int p = 0; p < 36; p++)
                Assert.Equal(BlockContribution(xs, i, labels[p], 0, Mean), a[i * 36 + p], 1e-3);
        }
    }

    [Fact]
    public void Lime_KernelOfCosineDistance_MatchesLimeFormula()
    {
        // lime_image: distances = cosine distance to the all-ones row; kernel = sqrt(exp(−d² / 0.25²)).
        var z = new[] { true, false, true, true };
        double d = Lime.CosineDistanceToOnes(z);
        Assert.Equal(1 - 3 / Math.Sqrt(3 * 4), d, 1e-12);
    }

    [Fact]
    public void Occlusion_AdditiveModel_EachPixelGetsItsWindowsMeanDrop()
    {
        // Non-overlapping 2×2 windows (stride 2): a pixel's attribution is its window's contribution Σ w·(x − 0).
        var occ = new Occlusion(Linear) { Window = 2, Stride = 2, BatchSize = 5 };
        var x = Image;
        var a = occ.Attribute(x, 1).Values.ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < 2; i++)
        for (int c = 0; c < 2; c++)
        for (int p = 0; p < 36; p++)
            Assert.Equal(BlockContribution(xs, i, Blocks([], 2, 6, 6)[p], 1, _ => 0f), a[(i * 2 + c) * 36 + p], 1e-4);
    }

    [Fact]
    public void Occlusion_OverlappingWindows_AverageOverCoveringWindows()
    {
        // Window 3, stride 2 on 6 pixels: positions 0, 2 and 3 (the last flush with the edge); pixel (0, 0) is
        // covered once, by the window at (0, 0).
        var occ = new Occlusion(Linear) { Window = 3, Stride = 2, Baseline = 0.5f };
        var x = Image;
        var a = occ.Attribute(x, 0).Values.ToArray();
        var xs = x.ToArray();
        double drop = 0;
        for (int c = 0; c < 2; c++)
        for (int y = 0; y < 3; y++)
        for (int xx = 0; xx < 3; xx++)
            drop += s_w[c * 36 + y * 6 + xx] * (xs[c * 36 + y * 6 + xx] - 0.5);
        Assert.Equal(drop, a[0], 1e-4);
    }

    [Fact]
    public void Lime_SameSeed_SameResult()
    {
        var x = Image;
        Tensor Run(long seed) => new Lime(Linear)
        {
            Samples = 50, Seed = seed, Superpixels = new SuperpixelOptions { Segments = 4 },
        }.Attribute(x, 0).Values;
        Assert.Equal(Run(1).ToArray(), Run(1).ToArray());
        Assert.NotEqual(Run(1).ToArray(), Run(2).ToArray());
    }
}
