using Fovea.Kernels;

namespace Fovea.Bench;

/// <summary>
/// B1: square float32 GEMM, C[n×n] = A·B, GFLOP/s = 2n³/t, for n = 256, 512, 1024, 2048 (as the peers'
/// bench_gemm.py): 3 warm-up calls, then 5 trials of about 0.5 s of back-to-back calls into a preallocated C.
/// Threads: all kernel threads (FOVEA_NUM_THREADS overrides).
/// </summary>
internal sealed class GemmBench : IBenchmark
{
    public string Name => "B1_sgemm";

    public string Description => "square SGEMM n=256..2048, GFLOP/s";

    public void Run(BenchReport report)
    {
        foreach (int n in (int[])[256, 512, 1024, 2048])
        {
            var rng = new Random(0);
            var a = RandomMatrix(rng, n * n);
            var b = RandomMatrix(rng, n * n);
            var c = new float[n * n];
            var (seconds, iterations) = BenchReport.Time(
                () => Gemm.Multiply(false, false, n, n, n, a, n, b, n, c, n, accumulate: false));
            double flop = 2.0 * n * n * n;
            report.Emit(Name, "GFLOP/s", seconds.Select(s => flop / s / 1e9).ToArray(), iterations,
                BenchReport.Threads, ("n", n));
        }
    }

    internal static float[] RandomMatrix(Random rng, int length)
    {
        var x = new float[length];
        for (int i = 0; i < length; i++)
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}
