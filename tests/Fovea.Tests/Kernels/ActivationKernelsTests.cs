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

    // The activations of issue 11 against their formulas in double (UnaryKernels.Erf is the double-precision erf).
    // Absolute tolerance 3e−7 where y = x·g(x) or eˣ − 1 multiplies FastMath.Exp's 2e−7 relative error by |x| ≤ ~1.5
    // near the crossing of zero; relative 1e−6 elsewhere.
    private static double Phi(double x) => 0.5 * (1 + UnaryKernels.Erf(x / Math.Sqrt(2)));

    private static double GeluTanhRef(double x) =>
        0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    private static void CheckBackward(Func<double, double> derivative, Action<float[], float[], float[]> kernel,
        double atol = 3e-7, double rtol = 1e-5)
    {
        foreach (int n in Enumerable.Range(0, 257).Append(70_001))
        {
            var x = Inputs(n, n + 1);
            var dy = Inputs(n, n + 2, 1f);
            var dx = new float[n];
            kernel(x, dy, dx);
            var expected = x.Select((v, i) => (float)(dy[i] * derivative(v))).ToArray();
            TensorAssert.Close(expected, dx, atol, rtol, $"length {n}");
        }
    }

    private static void CheckForward(Func<double, double> f, Action<float[], float[]> kernel, double atol = 3e-7)
    {
        foreach (int n in Enumerable.Range(0, 257).Append(100_003))
        {
            var x = Inputs(n, n);
            var y = new float[n];
            kernel(x, y);
            TensorAssert.Close(x.Select(v => (float)f(v)).ToArray(), y, atol, 1e-6, $"length {n}");
        }
    }

    [Fact]
    public void Gelu_MatchesErfFormula() => CheckForward(x => x * Phi(x), (x, y) => ActivationKernels.Gelu(x, y));

    [Fact]
    public void GeluBackward_MatchesFormula() => CheckBackward(
        x => Phi(x) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI),
        (x, dy, dx) => ActivationKernels.GeluBackward(x, dy, dx));

    [Fact]
    public void GeluTanh_MatchesFormula() => CheckForward(GeluTanhRef, (x, y) => ActivationKernels.GeluTanh(x, y));

    [Fact]
    public void GeluTanhBackward_MatchesCentralDifferenceInDouble() => CheckBackward(
        x => (GeluTanhRef(x + 1e-6) - GeluTanhRef(x - 1e-6)) / 2e-6,
        (x, dy, dx) => ActivationKernels.GeluTanhBackward(x, dy, dx), atol: 1e-6);

    [Fact]
    public void HardSigmoid_MatchesFormula() =>
        CheckForward(x => Math.Clamp(x / 6 + 0.5, 0, 1), (x, y) => ActivationKernels.HardSigmoid(x, y));

    [Fact]
    public void HardSwish_MatchesFormula() =>
        CheckForward(x => x * Math.Clamp(x / 6 + 0.5, 0, 1), (x, y) => ActivationKernels.HardSwish(x, y));

    [Fact]
    public void HardSigmoidBackward_MatchesFormula() => CheckBackward(x => Math.Abs(x) < 3 ? 1.0 / 6 : 0,
        (x, dy, dx) => ActivationKernels.HardSigmoidBackward(x, dy, dx));

    [Fact]
    public void HardSwishBackward_MatchesFormula() => CheckBackward(x => x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1,
        (x, dy, dx) => ActivationKernels.HardSwishBackward(x, dy, dx));

    [Fact]
    public void ScalarActivations_MatchFormulas()
    {
        const double a = 1.6732632423543772848170429916717, l = 1.0507009873554804934193349852946;
        static double Softplus(double x) => Math.Log(1 + Math.Exp(x));
        CheckForward(x => x * Math.Tanh(Softplus(x)), (x, y) => ActivationKernels.Mish(x, y));
        CheckForward(x => x > 0 ? x : 0.5 * (Math.Exp(x) - 1), (x, y) => ActivationKernels.Elu(x, 0.5f, 1f, y));
        CheckForward(x => l * (x > 0 ? x : a * (Math.Exp(x) - 1)),
            (x, y) => ActivationKernels.Elu(x, (float)a, (float)l, y));
        CheckForward(Softplus, (x, y) => ActivationKernels.Softplus(x, y));
        static double Mish(double x) => x * Math.Tanh(Softplus(x));
        CheckBackward(x => (Mish(x + 1e-6) - Mish(x - 1e-6)) / 2e-6,
            (x, dy, dx) => ActivationKernels.MishBackward(x, dy, dx), atol: 1e-6);
        CheckBackward(x => x > 0 ? 1 : 0.5 * Math.Exp(x),
            (x, dy, dx) => ActivationKernels.EluBackward(x, dy, 0.5f, 1f, dx));
        CheckBackward(x => 1 / (1 + Math.Exp(-x)), (x, dy, dx) => ActivationKernels.SoftplusBackward(x, dy, dx));
    }
}
