using Fovea.Kernels;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>
/// The vectorised activations against their formulas evaluated in double, for every length 0..256 (every vector
/// width and tail) and one length large enough to be split across threads. Tolerance: 1e−6 relative + 1e−7
/// absolute, a few float ulps (FastMath.Exp is within 2e−7 relative of exp).
/// </summary>
public class ActivationKernelsTests
{
    private static float[] Inputs(int n, int seed, float scale = 4f)
    {
        var rng = new Rng(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = (float)(rng.NextNormal() * scale);
        return x;
    }

    private static void Check(Func<double, double> f, Action<float[], float[]> kernel, float scale = 4f)
    {
        foreach (int n in Enumerable.Range(0, 257).Append(100_003))
        {
            var x = Inputs(n, n, scale);
            var y = new float[n];
            kernel(x, y);
            var expected = x.Select(v => (float)f(v)).ToArray();
            TensorAssert.Close(expected, y, 1e-7, 1e-6, $"length {n}");
        }
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public void Exp_MatchesDoubleExp()
    {
        foreach (float v in new[] { -87f, -20f, -1e-3f, 0f, 1e-3f, 0.5f, 1f, 10f, 50f, 88f })
            Assert.InRange(FastMath.Exp(System.Runtime.Intrinsics.Vector512.Create(v))[3] / Math.Exp(v), 1 - 3e-7, 1 + 3e-7);
    }

    [Fact]
    public void Silu_MatchesFormula() => Check(x => x * Sigmoid(x), (x, y) => ActivationKernels.Silu(x, y));

    [Fact]
    public void Sigmoid_MatchesFormula() => Check(Sigmoid, (x, y) => ActivationKernels.Sigmoid(x, y));

    [Fact]
    public void Relu_MatchesFormula() => Check(x => Math.Max(x, 0), (x, y) => ActivationKernels.Relu(x, y));

    [Fact]
    public void LeakyRelu_MatchesFormula() => Check(x => x > 0 ? x : 0.1 * x, (x, y) => ActivationKernels.LeakyRelu(x, 0.1f, y));

    [Fact]
    public void SiluBackward_MatchesFormula()
    {
        foreach (int n in Enumerable.Range(0, 257).Append(70_001))
        {
            var x = Inputs(n, n + 1);
            var dy = Inputs(n, n + 2, 1f);
            var dx = new float[n];
            ActivationKernels.SiluBackward(x, dy, dx);
            var expected = x.Select((v, i) => (float)(dy[i] * Sigmoid(v) * (1 + v * (1 - Sigmoid(v))))).ToArray();
            TensorAssert.Close(expected, dx, 1e-7, 1e-5, $"length {n}");
        }
    }

    [Fact]
    public void ReluBackward_MasksByInputSign()
    {
        var x = new[] { -1f, 0f, 2f, -0f, 3f };
        var dy = new[] { 5f, 6f, 7f, 8f, 9f };
        var dx = new float[5];
        ActivationKernels.ReluBackward(x, dy, dx);
        Assert.Equal([0f, 0f, 7f, 0f, 9f], dx);
    }
}
