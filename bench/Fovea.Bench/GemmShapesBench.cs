using Fovea.Kernels;

namespace Fovea.Bench;

/// <summary>
/// B1_sgemm_shapes: the GEMMs convolution and dense layers issue (im2col forward, backward input with Aᵀ,
/// backward weight with Bᵀ, and dense), GFLOP/s = 2mnk/t. Each call runs the way Conv2D runs it, inside a
/// parallel region, so on one thread; "threads" is 1.
/// </summary>
internal sealed class GemmShapesBench : IBenchmark
{
    private static readonly (string Name, bool TransA, bool TransB, int M, int N, int K)[] s_shapes =
    [
        ("conv_fwd", false, false, 32, 1024, 27),
        ("conv_fwd", false, false, 32, 784, 288),
        ("conv_fwd", false, false, 64, 196, 576),
        ("conv_fwd", false, false, 128, 49, 1152),
        ("conv_fwd", false, false, 128, 64, 1152),
        ("conv_fwd_r18_stem", false, false, 64, 12544, 147),
        ("conv_fwd_r18_l3", false, false, 256, 196, 2304),
        ("conv_fwd_r18_l4", false, false, 512, 49, 4608),
        ("conv_bwd_input", true, false, 576, 196, 64),
        ("conv_bwd_weight", false, true, 64, 576, 196),
        ("dense", false, true, 128, 128, 128),
        ("dense", false, true, 128, 10, 128),
    ];

    public string Name => "B1_sgemm_shapes";

    public string Description => "conv/dense GEMM shapes on one thread, GFLOP/s";

    public void Run(BenchReport report)
    {
        foreach (var s in s_shapes)
        {
            var rng = new Random(0);
            var a = GemmBench.RandomMatrix(rng, s.M * s.K);
            var b = GemmBench.RandomMatrix(rng, s.K * s.N);
            var c = new float[s.M * s.N];
            int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
            var job = new OneThreadJob
            {
                Call = () => Gemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, a, lda, b, ldb, c, s.N, false),
            };
            KernelThreads.For(2, job);
            double flop = 2.0 * s.M * s.N * s.K;
            report.Emit(Name, "GFLOP/s", job.Result.Seconds.Select(t => flop / t / 1e9).ToArray(),
                job.Result.Iterations, 1, ("shape", s.Name), ("trans", Trans(s.TransA, s.TransB)), ("m", s.M),
                ("n", s.N), ("k", s.K));
        }
    }

    private static string Trans(bool a, bool b) => (a ? "T" : "N") + (b ? "T" : "N");

    /// <summary>Carries the timing out of the job (a struct copied into the thread team).</summary>
    private sealed class Holder
    {
        public (double[] Seconds, int Iterations) Value;
    }

    /// <summary>Times the call on chunk 0 (the calling thread, inside the region); chunk 1 does nothing.</summary>
    private struct OneThreadJob : IParallelJob
    {
        public Action Call;
        private readonly Holder _holder = new();

        public OneThreadJob() => Call = () => { };

        public readonly (double[] Seconds, int Iterations) Result => _holder.Value;

        public readonly void Execute(int begin, int end)
        {
            if (begin == 0)
                _holder.Value = BenchReport.Time(Call);
        }
    }
}
