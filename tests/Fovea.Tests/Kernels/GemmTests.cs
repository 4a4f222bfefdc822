using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>
/// <see cref="Gemm"/> against <see cref="ReferenceGemm"/> (double accumulation) for every transpose case, with and
/// without accumulation, over edge sizes, block boundaries, padded strides and the shapes convolution uses.
///
/// Tolerance, per element: |c − ref| ≤ 1e-5·(Σ_p |a_ip·b_pj| + |c0_ij|) + 1e-6, c0 the initial C when accumulating.
/// Summing k products in float (any order, FMA or not) errs by at most γ_{k+1}·Σ|a·b| with γ_n ≈ n·2⁻²⁴; for random
/// signs the error behaves like a random walk and stays near 2⁻²⁴·Σ|a·b| (≈ 6e-8), far below 1e-5. A real bug
/// (a product missed, doubled or taken from the wrong place) moves an element by about Σ|a·b|/k, ≥ 8e-4·Σ|a·b| for
/// the largest k tested here (1152), so the test still sees it. The 1e-6 floor covers sums that cancel to 0.
/// </summary>
public class GemmTests
{
    private const float Sentinel = -12345.5f;

    public static TheoryData<bool, bool> TransposeCases => new() { { false, false }, { true, false }, { false, true },
        { true, true } };

    [Theory]
    [MemberData(nameof(TransposeCases))]
    public void Multiply_EveryEdgeSizeUpTo40_MatchesReference(bool transA, bool transB)
    {
        var rng = new Random(1);
        var scratch = new Scratch(40, 40, 17);
        int[] depths = [1, 3, 17];
        for (int m = 0; m <= 40; m++)
        {
            for (int n = 0; n <= 40; n++)
            {
                int k = depths[(m + n) % depths.Length];
                bool accumulate = (m * 41 + n) % 2 == 1;
                scratch.Check(rng, transA, transB, m, n, k, 0, 0, 0, accumulate);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TransposeCases))]
    public void Multiply_DepthSweep_MatchesReference(bool transA, bool transB)
    {
        var rng = new Random(2);
        var scratch = new Scratch(13, 35, 70);
        for (int k = 0; k <= 70; k++)
        {
            scratch.Check(rng, transA, transB, 13, 35, k, 0, 0, 0, accumulate: false);
            scratch.Check(rng, transA, transB, 5, 17, k, 0, 0, 0, accumulate: true);
        }
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    [InlineData(true, true, true)]
    public void Multiply_CrossingBlockBoundaries_MatchesReference(bool transA, bool transB, bool accumulate)
    {
        // Depths past a KC block, rows past MC (and a thread's share), columns past NC; sizes where A or B are packed
        // and where they are read in place.
        var rng = new Random(3);
        var scratch = new Scratch(600, 2100, 600);
        scratch.Check(rng, transA, transB, 145, 70, 600, 0, 0, 0, accumulate);
        scratch.Check(rng, transA, transB, 520, 530, 20, 0, 0, 0, accumulate);
        scratch.Check(rng, transA, transB, 300, 33, 257, 0, 0, 0, accumulate);
        scratch.Check(rng, transA, transB, 13, 2100, 9, 0, 0, 0, accumulate);
        scratch.Check(rng, transA, transB, 37, 290, 513, 0, 0, 0, accumulate);
    }

    [Theory]
    [MemberData(nameof(TransposeCases))]
    public void Multiply_StridesLargerThanRows_MatchesReferenceAndLeavesPaddingAlone(bool transA, bool transB)
    {
        var rng = new Random(4);
        var scratch = new Scratch(64, 64, 64, pad: 7);
        scratch.Check(rng, transA, transB, 29, 45, 31, 3, 5, 7, accumulate: false);
        scratch.Check(rng, transA, transB, 29, 45, 31, 7, 1, 2, accumulate: true);
        scratch.Check(rng, transA, transB, 64, 64, 64, 1, 2, 3, accumulate: true);
    }

    [Theory]
    [InlineData(32, 784, 9)]
    [InlineData(32, 1024, 27)]
    [InlineData(32, 784, 288)]
    [InlineData(64, 196, 576)]
    [InlineData(64, 256, 288)]
    [InlineData(128, 49, 1152)]
    [InlineData(128, 64, 576)]
    [InlineData(256, 196, 2304)]  // 196 = 4·48 + 4 and 49 = 48 + 1: the last columns go to the dot kernel
    [InlineData(64, 50, 1155)]    // (k = 1155 leaves 3 scalar steps per block)
    [InlineData(512, 49, 4608)]
    public void Multiply_ConvolutionShapes_MatchesReference(int oc, int p, int k)
    {
        var rng = new Random(5);
        var scratch = new Scratch(Math.Max(oc, k), Math.Max(p, k), Math.Max(Math.Max(k, oc), p));
        scratch.Check(rng, false, false, oc, p, k, 0, 0, 0, accumulate: false);      // forward
        scratch.Check(rng, true, false, k, p, oc, 0, 0, 0, accumulate: false);       // backward input
        scratch.Check(rng, false, true, oc, k, p, 0, 0, 0, accumulate: true);        // backward weight
    }

    [Theory]
    [InlineData(128, 128, 128)]
    [InlineData(128, 10, 128)]
    [InlineData(1, 10, 128)]
    [InlineData(128, 1, 1)]
    [InlineData(1, 1000, 512)]  // one row: the vector-matrix path, columns split over the threads
    [InlineData(1, 77, 300)]
    public void Multiply_DenseShapes_MatchesReference(int batch, int outFeatures, int inFeatures)
    {
        var rng = new Random(6);
        int max = Math.Max(batch, Math.Max(outFeatures, inFeatures));
        var scratch = new Scratch(max, max, max);
        scratch.Check(rng, false, true, batch, outFeatures, inFeatures, 0, 0, 0, accumulate: false);
        scratch.Check(rng, false, false, batch, inFeatures, outFeatures, 0, 0, 0, accumulate: false);
        scratch.Check(rng, true, false, outFeatures, inFeatures, batch, 0, 0, 0, accumulate: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multiply_OneRow_AccumulatesAndLeavesPaddingAlone(bool transB)
    {
        var rng = new Random(12);
        var scratch = new Scratch(1, 200, 150, pad: 5);
        scratch.Check(rng, false, transB, 1, 200, 150, 2, 3, 5, accumulate: true);
        scratch.Check(rng, false, transB, 1, 131, 67, 0, 5, 1, accumulate: false);
    }

    [Fact]
    public void Multiply_TransposedA_MatchesReference()
    {
        var scratch = new Scratch(576, 196, 576);
        scratch.Check(new Random(7), true, false, 576, 196, 64, 0, 0, 0, accumulate: false);
    }

    [Fact]
    public void Multiply_TransposedB_MatchesReference()
    {
        var scratch = new Scratch(64, 576, 196);
        scratch.Check(new Random(8), false, true, 64, 576, 196, 0, 0, 0, accumulate: false);
    }

    [Fact]
    public void Multiply_NotAccumulating_OverwritesNaNInC()
    {
        var a = Random(new Random(9), 20 * 30);
        var b = Random(new Random(10), 30 * 40);
        var c = Enumerable.Repeat(float.NaN, 20 * 40).ToArray();
        var expected = new float[20 * 40];
        Gemm.Multiply(false, false, 20, 40, 30, a, 30, b, 40, c, 40, accumulate: false);
        ReferenceGemm.Multiply(false, false, 20, 40, 30, a, 30, b, 40, expected, 40, accumulate: false);
        Assert.All(c, v => Assert.False(float.IsNaN(v)));
        for (int i = 0; i < c.Length; i++)
            Assert.Equal(expected[i], c[i], 1e-3f);
    }

    [Fact]
    public void Multiply_ZeroDepth_ClearsOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        Gemm.Multiply(false, false, 2, 2, 0, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, c, 3,
            accumulate: true);
        Assert.Equal([1f, 2, 3, 4, 5, 6], c);
        Gemm.Multiply(false, false, 2, 2, 0, ReadOnlySpan<float>.Empty, 0, ReadOnlySpan<float>.Empty, 2, c, 3,
            accumulate: false);
        Assert.Equal([0f, 0, 3, 0, 0, 6], c);
    }

    [Fact]
    public void Multiply_HandCheckable_GivesExactValues()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [7, 8, 9, 10, 11, 12];
        var c = new float[4];
        Gemm.Multiply(false, false, 2, 2, 3, a, 3, b, 2, c, 2, accumulate: false);
        Assert.Equal([58f, 64, 139, 154], c);
        float[] at = [1, 4, 2, 5, 3, 6];
        float[] bt = [7, 9, 11, 8, 10, 12];
        Gemm.Multiply(true, true, 2, 2, 3, at, 2, bt, 3, c, 2, accumulate: true);
        Assert.Equal([116f, 128, 278, 308], c);
    }

    [Theory]
    [InlineData(300, 40, 100)]
    [InlineData(40, 700, 100)]
    [InlineData(256, 256, 256)]
    public void Multiply_ThreadedAndInsideParallelRegion_AreBitwiseEqual(int m, int n, int k)
    {
        var rng = new Random(11);
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        var top = new float[m * n];
        Gemm.Multiply(false, false, m, n, k, a, k, b, n, top, n, accumulate: false);
        var inside = new float[2][];
        inside[0] = new float[m * n];
        inside[1] = new float[m * n];
        var job = new NestedJob { A = a, B = b, Outputs = inside, M = m, N = n, K = k };
        KernelThreads.For(2, job);
        Assert.Equal(top, inside[0]);
        Assert.Equal(top, inside[1]);
    }

    private struct NestedJob : IParallelJob
    {
        public float[] A, B;
        public float[][] Outputs;
        public int M, N, K;

        public readonly void Execute(int begin, int end)
        {
            for (int i = begin; i < end; i++)
                Gemm.Multiply(false, false, M, N, K, A, K, B, N, Outputs[i], N, accumulate: false);
        }
    }

    private static float[] Random(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Buffers sized once for a test's largest case, so a sweep allocates nothing per case.</summary>
    private sealed class Scratch(int maxM, int maxN, int maxK, int pad = 0)
    {
        private readonly float[] _a = new float[(maxM + pad) * (maxK + pad)];
        private readonly float[] _b = new float[(maxK + pad) * (maxN + pad)];
        private readonly float[] _c = new float[maxM * (maxN + pad)];
        private readonly float[] _expected = new float[maxM * (maxN + pad)];
        private readonly float[] _c0 = new float[maxM * (maxN + pad)];

        /// <summary>Fills A, B, C at random (C's padding with a sentinel), runs both and compares.</summary>
        public void Check(Random rng, bool transA, bool transB, int m, int n, int k, int padA, int padB, int padC,
            bool accumulate)
        {
            int lda = (transA ? m : k) + padA, ldb = (transB ? k : n) + padB, ldc = n + padC;
            int aRows = transA ? k : m, bRows = transB ? n : k;
            for (int i = 0; i < aRows * lda; i++)
                _a[i] = (float)(rng.NextDouble() * 2 - 1);
            for (int i = 0; i < bRows * ldb; i++)
                _b[i] = (float)(rng.NextDouble() * 2 - 1);
            int cLength = m * ldc;
            for (int i = 0; i < cLength; i++)
                _c0[i] = i % ldc < n ? (float)(rng.NextDouble() * 2 - 1) : Sentinel;
            _c0.AsSpan(0, cLength).CopyTo(_c);
            _c0.AsSpan(0, cLength).CopyTo(_expected);
            ReadOnlySpan<float> a = _a.AsSpan(0, aRows * lda), b = _b.AsSpan(0, bRows * ldb);
            ReferenceGemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, _expected.AsSpan(0, cLength), ldc,
                accumulate);
            Gemm.Multiply(transA, transB, m, n, k, a, lda, b, ldb, _c.AsSpan(0, cLength), ldc, accumulate);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < ldc; j++)
                {
                    int at = i * ldc + j;
                    if (j >= n)
                    {
                        if (_c[at] != Sentinel)
                            Assert.Fail($"{Case(transA, transB, m, n, k, accumulate)}: padding C[{i},{j}] overwritten");
                        continue;
                    }
                    double magnitude = accumulate ? Math.Abs(_c0[at]) : 0;
                    for (int p = 0; p < k; p++)
                    {
                        float av = transA ? _a[p * lda + i] : _a[i * lda + p];
                        float bv = transB ? _b[j * ldb + p] : _b[p * ldb + j];
                        magnitude += Math.Abs((double)av * bv);
                    }
                    double tolerance = 1e-5 * magnitude + 1e-6;
                    double error = Math.Abs((double)_c[at] - _expected[at]);
                    if (!(error <= tolerance))
                    {
                        Assert.Fail($"{Case(transA, transB, m, n, k, accumulate)}: C[{i},{j}] = {_c[at]}, " +
                            $"expected {_expected[at]} (error {error:G3} > tolerance {tolerance:G3})");
                    }
                }
            }
        }

        private static string Case(bool transA, bool transB, int m, int n, int k, bool accumulate) =>
            $"transA={transA} transB={transB} m={m} n={n} k={k} accumulate={accumulate}";
    }
}
