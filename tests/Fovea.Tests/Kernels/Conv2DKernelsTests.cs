using System.Runtime.Intrinsics.X86;
using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>
/// <see cref="Conv2DKernels"/> (forward, input, weight and bias gradients) against <see cref="ReferenceConv2D"/>
/// (double accumulation) over shapes that reach each fast path and each fallback.
///
/// Tolerance, per element: |v − ref| ≤ rtol·S + 1e-6, where S is the same sum taken over absolute values
/// (Σ|w·x| + |b| for y, Σ|w·dy| for dx, Σ|dy·x| for dw, Σ|dy| for db), computed by the reference.
///   im2col + GEMM, and the bias: each value is one float sum of the products, error ≤ γ_k·S and in practice
///     ≈ 2⁻²⁴·√k·S (measured here: ≤ 2e-7·S); rtol 1e-5 leaves a wide margin (as in GemmTests).
///   Winograd F(4×4, 3×3), forward, input and weight gradients: inputs are scaled by up to 10 (Bᵀ rows 4, −5, 1)
///     and products by up to 8 (Aᵀ), so each value carries roundings of terms up to ~100× its own products;
///     measured ≤ 2.7e-6·S over this grid (1.2e-6 in a float32 simulation for 32..512 channels); rtol 2e-5.
///   A real bug (a tap, a tile or a channel missed, a wrong padding) moves a value by about S/K, where K ≤ 9·64 is
///     the number of products per value here, so ≥ 1.7e-3·S: far outside every tolerance.
/// The 1e-6 floor covers values whose sum cancels to ≈ 0.
/// </summary>
public class Conv2DKernelsTests
{
    private const double Rtol = 1e-5;

    private const double WinogradRtol = 2e-5;

    /// <summary>The algorithm a case runs (it must support the shape): Winograd and Depthwise (all passes), Direct
    /// (forward and, for KW ≤ 3, the weight gradient; im2col for the rest) or Im2Col (all passes, and the one dispatch
    /// picks).</summary>
    public enum Path
    {
        Im2Col,
        Winograd,
        Direct,
        Depthwise,
    }

    /// <summary>A convolution shape and the algorithm to run it with.</summary>
    public sealed record Case(string Name, int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW,
        int PadTop, int PadLeft, int PadBottom, int PadRight, int DH, int DW, int Groups, Path Expected)
    {
        internal ConvGeometry Geometry => new(N, C, H, W, OC, KH, KW, SH, SW, PadTop, PadLeft, PadBottom, PadRight, DH,
            DW, Groups);

        public override string ToString() => Name;
    }

    private static Case Conv3(string name, int n, int c, int h, int w, int oc, int pad, Path path) =>
        new(name, n, c, h, w, oc, 3, 3, 1, 1, pad, pad, pad, pad, 1, 1, 1, path);

    public static TheoryData<Case> Cases => new()
    {
        // Winograd F(4×4, 3×3): 'same' and 'valid', odd and even sizes, rows of 1, 2, 3 (packed 16, 8, 4 to a
        // vector), 6 (2 to a vector), 9 and 18 tiles (one row per vector), asymmetric padding, batch 1 and > 1,
        // blocks spanning images, channel counts on and off the GEMM tiles.
        Conv3("wino_same_odd", 2, 16, 9, 9, 16, 1, Path.Winograd),
        Conv3("wino_valid_odd", 2, 16, 11, 7, 24, 0, Path.Winograd),
        Conv3("wino_valid_pad2", 1, 9, 6, 5, 10, 2, Path.Winograd),
        Conv3("wino_same_32x32", 2, 8, 32, 32, 16, 1, Path.Winograd),
        Conv3("wino_same_35x35_batch1", 1, 12, 35, 35, 8, 1, Path.Winograd),
        Conv3("wino_same_wide_channels", 2, 64, 8, 8, 40, 1, Path.Winograd),
        Conv3("wino_same_many_blocks", 5, 32, 12, 12, 32, 1, Path.Winograd),
        Conv3("wino_tiny_image", 3, 16, 2, 1, 16, 1, Path.Winograd),
        Conv3("wino_rows_of_6_tiles", 2, 16, 7, 22, 16, 1, Path.Winograd),
        Conv3("wino_row_of_18_tiles", 1, 8, 6, 70, 8, 1, Path.Winograd),
        new("wino_asymmetric", 2, 16, 10, 9, 16, 3, 3, 1, 1, 0, 2, 1, 0, 1, 1, 1, Path.Winograd),
        // Direct convolution for few input channels (first layers): 'same', a row of 37 (one full and one partial
        // block of 32), 5×5 valid (its weight gradient falls back to im2col), asymmetric padding.
        Conv3("direct_rgb_same", 2, 3, 10, 10, 16, 1, Path.Direct),
        Conv3("direct_rgb_wide_row", 1, 3, 7, 37, 8, 1, Path.Direct),
        new("direct_gray_5x5_valid", 2, 1, 12, 12, 8, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1, Path.Direct),
        new("direct_asymmetric", 2, 2, 9, 11, 16, 3, 3, 1, 1, 0, 2, 1, 0, 1, 1, 1, Path.Direct),
        // Depthwise: strides 1, 2 and (2, 1), 3×3 to 7×7 and 3×5 kernels, rows of 9 to 37 outputs (one and two
        // vectors, partial ones), padding above KH − 1 (the input gradient's staging then starts inside dy), batch 1.
        new("depthwise_same", 2, 16, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16, Path.Depthwise),
        new("depthwise_stride2", 2, 8, 9, 9, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8, Path.Depthwise),
        new("depthwise_5x5_wide", 1, 4, 6, 37, 4, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 4, Path.Depthwise),
        new("depthwise_7x7_stride2", 2, 3, 20, 41, 3, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 3, Path.Depthwise),
        new("depthwise_3x5_stride2_1", 1, 5, 11, 12, 5, 3, 5, 2, 1, 0, 2, 1, 1, 1, 1, 5, Path.Depthwise),
        new("depthwise_pad3", 1, 6, 5, 7, 6, 3, 3, 1, 1, 3, 3, 3, 3, 1, 1, 6, Path.Depthwise),
        new("depthwise_valid_stride2_odd", 3, 4, 10, 35, 4, 3, 3, 2, 2, 0, 0, 0, 0, 1, 1, 4, Path.Depthwise),
        // Fallbacks to im2col + GEMM.
        Conv3("im2col_few_channels_12_filters", 2, 3, 10, 10, 12, 1, Path.Im2Col),
        Conv3("im2col_few_filters", 2, 16, 10, 10, 4, 1, Path.Im2Col),
        Conv3("im2col_pad3", 1, 16, 6, 6, 16, 3, Path.Im2Col),
        new("im2col_stride2", 2, 16, 11, 11, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, Path.Im2Col),
        new("im2col_stride2_1", 1, 8, 9, 10, 12, 3, 3, 2, 1, 1, 1, 0, 1, 1, 1, 1, Path.Im2Col),
        new("im2col_dilation2", 2, 16, 12, 12, 16, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, Path.Im2Col),
        new("im2col_groups2", 2, 16, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, Path.Im2Col),
        new("im2col_depthwise_multiplier2", 2, 8, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8, Path.Im2Col),
        new("im2col_depthwise_dilation2", 1, 8, 9, 9, 8, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 8, Path.Im2Col),
        new("im2col_pointwise", 2, 24, 7, 7, 40, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, Path.Im2Col),
        new("im2col_pointwise_stride2", 1, 16, 9, 9, 32, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1, Path.Im2Col),
        new("im2col_5x5", 2, 8, 9, 9, 16, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1, Path.Im2Col),
        new("im2col_7x7_stride2", 1, 3, 20, 20, 16, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1, Path.Im2Col),
        // Stride-2 rows unfolded 16 and 8 at a time: 35 outputs (16 + 16 + 3, the last vector stopping short of the
        // row's end) and 32 (16 + 16), 14 (8 + 6) with padding on both sides.
        new("im2col_stride2_wide_rows", 1, 4, 9, 71, 8, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1, Path.Im2Col),
        new("im2col_stride2_even_width", 2, 8, 6, 64, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, Path.Im2Col),
        new("im2col_stride2_row_of_14", 1, 16, 5, 28, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, Path.Im2Col),
        // Stride 1 with rows as wide as the input: each col row copied as one shifted plane (after row blocks of 15 rows,
        // with asymmetric padding, with dilation).
        new("im2col_shifted_row_blocks", 1, 16, 30, 30, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, Path.Im2Col),
        new("im2col_shifted_asymmetric", 2, 16, 9, 11, 16, 3, 3, 1, 1, 0, 0, 2, 2, 1, 1, 1, Path.Im2Col),
        new("im2col_shifted_5x5_dilation2", 1, 8, 7, 13, 8, 5, 5, 1, 1, 4, 4, 4, 4, 2, 2, 1, Path.Im2Col),
        // Images split into blocks of output rows (13 + 7 and 10 + 10 + 6 rows).
        new("im2col_row_blocks_stride2", 1, 64, 40, 40, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, Path.Im2Col),
        new("im2col_row_blocks_5x5", 2, 16, 30, 30, 8, 5, 5, 1, 1, 0, 0, 0, 0, 1, 1, 1, Path.Im2Col),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllPasses_Case_MatchReference(Case c)
    {
        var g = c.Geometry;
        // Without AVX-512 the Winograd and direct kernels are off and every case runs (and checks) im2col.
        var path = Avx512F.IsSupported ? c.Expected : Path.Im2Col;
        var (forward, input, weight) = path switch
        {
            Path.Winograd => (ConvAlgorithm.Winograd, ConvAlgorithm.Winograd, ConvAlgorithm.Winograd),
            Path.Direct => (ConvAlgorithm.Direct, ConvAlgorithm.Im2Col,
                DirectConv.SupportsWeightGradient(g) ? ConvAlgorithm.Direct : ConvAlgorithm.Im2Col),
            Path.Depthwise => (ConvAlgorithm.Depthwise, ConvAlgorithm.Depthwise, ConvAlgorithm.Depthwise),
            _ => (ConvAlgorithm.Im2Col, ConvAlgorithm.Im2Col, ConvAlgorithm.Im2Col),
        };
        if (path == Path.Winograd)
            Assert.True(Winograd.Supports(g));
        else if (path == Path.Direct)
            Assert.True(DirectConv.Supports(g));
        else if (path == Path.Depthwise)
            Assert.Equal(ConvAlgorithm.Depthwise, Conv2DKernels.ForwardAlgorithm(g));
        else
            Assert.Equal(ConvAlgorithm.Im2Col, Conv2DKernels.ForwardAlgorithm(g));
        var rng = new Random(c.Name.Length * 31 + c.C);
        var x = Random(rng, g.N * g.InputImage);
        var w = Random(rng, g.WeightLength);
        var b = Random(rng, g.OC);
        var dy = Random(rng, g.N * g.OutputImage);
        var (ax, aw, ab, ady) = (Abs(x), Abs(w), Abs(b), Abs(dy));

        var y = Fill(g.N * g.OutputImage, float.NaN);
        Conv2DKernels.Forward(x, w, b, y, g, forward);
        var expected = new float[y.Length];
        var bound = new float[y.Length];
        ReferenceConv2D.Forward(x, w, b, expected, g);
        ReferenceConv2D.Forward(ax, aw, ab, bound, g);
        double rtol = path == Path.Winograd ? WinogradRtol : Rtol;
        Close(expected, y, bound, rtol, $"{c.Name} y");

        var dx = Fill(x.Length, float.NaN);
        Conv2DKernels.BackwardInput(dy, w, dx, g, input);
        expected = new float[dx.Length];
        bound = new float[dx.Length];
        ReferenceConv2D.BackwardInput(dy, w, expected, g);
        ReferenceConv2D.BackwardInput(ady, aw, bound, g);
        Close(expected, dx, bound, rtol, $"{c.Name} dx");

        var dw = Fill(w.Length, float.NaN);
        Conv2DKernels.BackwardWeight(dy, x, dw, g, weight);
        expected = new float[dw.Length];
        bound = new float[dw.Length];
        ReferenceConv2D.BackwardWeight(dy, x, expected, g);
        ReferenceConv2D.BackwardWeight(ady, ax, bound, g);
        Close(expected, dw, bound, rtol, $"{c.Name} dw");

        var db = Fill(g.OC, float.NaN);
        Conv2DKernels.BackwardBias(dy, db, g);
        expected = new float[g.OC];
        bound = new float[g.OC];
        for (int n = 0; n < g.N; n++)
        {
            for (int oc = 0; oc < g.OC; oc++)
            {
                for (int p = 0; p < g.P; p++)
                {
                    expected[oc] += dy[(n * g.OC + oc) * g.P + p];
                    bound[oc] += ady[(n * g.OC + oc) * g.P + p];
                }
            }
        }
        Close(expected, db, bound, Rtol, $"{c.Name} db");
    }

    [Theory]
    [InlineData(16, 3, Path.Winograd)]
    [InlineData(3, 3, Path.Direct)]
    public void Forward_WithoutBias_MatchesReference(int channels, int kernel, Path path)
    {
        if (!Avx512F.IsSupported)
            return;
        var c = new Case("no_bias", 2, channels, 7, 7, 16, kernel, kernel, 1, 1, 1, 1, 1, 1, 1, 1, 1, path);
        var g = c.Geometry;
        Assert.True(path == Path.Winograd ? Winograd.Supports(g) : DirectConv.Supports(g));
        var rng = new Random(3);
        var x = Random(rng, g.N * g.InputImage);
        var w = Random(rng, g.WeightLength);
        var y = Fill(g.N * g.OutputImage, float.NaN);
        Conv2DKernels.Forward(x, w, default, y, g, path == Path.Winograd ? ConvAlgorithm.Winograd
            : ConvAlgorithm.Direct);
        var expected = new float[y.Length];
        var bound = new float[y.Length];
        ReferenceConv2D.Forward(x, w, default, expected, g);
        ReferenceConv2D.Forward(Abs(x), Abs(w), default, bound, g);
        Close(expected, y, bound, path == Path.Winograd ? WinogradRtol : Rtol, "y");
    }

    [Theory]
    [InlineData(32, Path.Winograd)]
    [InlineData(3, Path.Direct)]
    public void AllPasses_Repeated_AreBitwiseEqual(int channels, Path path)
    {
        if (!Avx512F.IsSupported)
            path = Path.Im2Col;
        var g = Conv3("repeat", 4, channels, 14, 14, 32, 1, path).Geometry;
        var algorithm = path switch
        {
            Path.Winograd => ConvAlgorithm.Winograd,
            Path.Direct => ConvAlgorithm.Direct,
            _ => ConvAlgorithm.Im2Col,
        };
        Assert.Equal(algorithm, Conv2DKernels.ForwardAlgorithm(g));
        var rng = new Random(4);
        var x = Random(rng, g.N * g.InputImage);
        var w = Random(rng, g.WeightLength);
        var dy = Random(rng, g.N * g.OutputImage);
        float[] Run()
        {
            var y = new float[g.N * g.OutputImage];
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            Conv2DKernels.Forward(x, w, default, y, g);
            Conv2DKernels.BackwardInput(dy, w, dx, g);
            Conv2DKernels.BackwardWeight(dy, x, dw, g);
            return [.. y, .. dx, .. dw];
        }
        Assert.Equal(Run(), Run());
    }

    [Theory]
    [InlineData(128, 3, 32, 32, 3, 1, ConvAlgorithmName.Direct, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Direct)]
    [InlineData(128, 32, 32, 32, 3, 1, ConvAlgorithmName.Winograd, ConvAlgorithmName.Winograd,
        ConvAlgorithmName.Winograd)]
    [InlineData(128, 64, 8, 128, 3, 1, ConvAlgorithmName.Winograd, ConvAlgorithmName.Winograd,
        ConvAlgorithmName.Winograd)]
    [InlineData(1, 64, 56, 64, 3, 1, ConvAlgorithmName.Winograd, ConvAlgorithmName.Winograd,
        ConvAlgorithmName.Winograd)]
    [InlineData(1, 128, 28, 128, 3, 1, ConvAlgorithmName.Winograd, ConvAlgorithmName.Winograd,
        ConvAlgorithmName.Winograd)]
    [InlineData(1, 256, 14, 256, 3, 1, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col)]
    [InlineData(1, 512, 7, 512, 3, 1, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col)]
    [InlineData(16, 256, 14, 256, 3, 1, ConvAlgorithmName.Winograd, ConvAlgorithmName.Winograd,
        ConvAlgorithmName.Winograd)]
    [InlineData(16, 512, 7, 512, 3, 1, ConvAlgorithmName.Winograd, ConvAlgorithmName.Winograd,
        ConvAlgorithmName.Im2Col)]
    [InlineData(1, 3, 224, 64, 7, 2, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col)]
    [InlineData(1, 64, 56, 128, 3, 2, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col)]
    public void Dispatch_NetworkLayers_PickExpectedAlgorithms(int n, int c, int h, int oc, int k, int stride,
        ConvAlgorithmName forward, ConvAlgorithmName input, ConvAlgorithmName weight)
    {
        // The B2 reference CNN (batch 128) and ResNet-18 (batch 1 and 16): Winograd where it measured faster.
        int pad = k / 2;
        var g = new ConvGeometry(n, c, h, h, oc, k, k, stride, stride, pad, pad, pad, pad, 1, 1, 1);
        if (!Avx512F.IsSupported)
            (forward, input, weight) = (ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col, ConvAlgorithmName.Im2Col);
        Assert.Equal(forward.ToString(), Conv2DKernels.ForwardAlgorithm(g).ToString());
        Assert.Equal(input.ToString(), Conv2DKernels.InputGradientAlgorithm(g).ToString());
        Assert.Equal(weight.ToString(), Conv2DKernels.WeightGradientAlgorithm(g).ToString());
    }

    /// <summary>Public mirror of the internal <see cref="ConvAlgorithm"/> for test data.</summary>
    public enum ConvAlgorithmName
    {
        Im2Col,
        Winograd,
        Direct,
        Depthwise,
    }

    private static void Close(float[] expected, float[] actual, float[] bound, double rtol, string what) =>
        TensorAssert.Close(expected, actual, i => rtol * bound[i] + 1e-6, 0, what);

    private static float[] Random(Random rng, int length)
    {
        var a = new float[length];
        for (int i = 0; i < length; i++)
            a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }

    private static float[] Abs(float[] a) => a.Select(Math.Abs).ToArray();

    private static float[] Fill(int length, float value) => Enumerable.Repeat(value, length).ToArray();
}
