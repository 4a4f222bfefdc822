using Fovea.Autograd;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests;

/// <summary>
/// Finite-difference gradient check. L = Σ r ⊙ f(inputs) with a fixed random r (so errors cannot cancel); the
/// analytic gradient of every input that requires one (from autograd) is compared with central differences
/// (L(x + εe) − L(x − εe)) / 2ε, for every element of small inputs or along <c>directions</c> random unit
/// vectors (PyTorch's fast mode) for large ones. L is accumulated in double.
/// </summary>
internal static class GradCheck
{
    public static void Assert(Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-3f, double atol = 1e-2,
        double rtol = 1e-2, int maxElements = 64, int directions = 8, int seed = 1)
    {
        var rng = new Rng(seed);
        foreach (var t in inputs)
            t.RequiresGrad = true;
        var y = f(inputs);
        var r = Tensor.RandomNormal(y.Shape, rng);
        y.Backward(r);
        double Loss()
        {
            using var _ = GradMode.NoGrad();
            var out_ = f(inputs);
            double s = 0;
            var os = out_.AsReadOnlySpan();
            var rs = r.AsReadOnlySpan();
            for (int i = 0; i < os.Length; i++)
                s += (double)os[i] * rs[i];
            return s;
        }

        for (int k = 0; k < inputs.Length; k++)
        {
            var x = inputs[k];
            Xunit.Assert.True(x.Grad is not null, $"input {k} {x.Shape} received no gradient");
            var analytic = x.Grad!.ToArray();
            var xs = x.AsSpan();
            if (x.Length <= maxElements)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    float orig = xs[i];
                    xs[i] = orig + eps;
                    double lp = Loss();
                    xs[i] = orig - eps;
                    double lm = Loss();
                    xs[i] = orig;
                    Check((lp - lm) / (2 * eps), analytic[i], atol, rtol, $"input {k} {x.Shape} element {i}");
                }
            }
            else
            {
                for (int d = 0; d < directions; d++)
                {
                    var v = new float[x.Length];
                    double norm = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        v[i] = (float)rng.NextNormal();
                        norm += v[i] * (double)v[i];
                    }
                    norm = Math.Sqrt(norm);
                    double expected = 0;
                    for (int i = 0; i < v.Length; i++)
                    {
                        v[i] = (float)(v[i] / norm);
                        expected += (double)v[i] * analytic[i];
                    }
                    var orig = x.ToArray();
                    for (int i = 0; i < v.Length; i++)
                        xs[i] = orig[i] + eps * v[i];
                    double lp = Loss();
                    for (int i = 0; i < v.Length; i++)
                        xs[i] = orig[i] - eps * v[i];
                    double lm = Loss();
                    orig.CopyTo(xs);
                    Check((lp - lm) / (2 * eps), expected, atol, rtol, $"input {k} {x.Shape} direction {d}");
                }
            }
        }
    }

    private static void Check(double numeric, double analytic, double atol, double rtol, string where)
    {
        double diff = Math.Abs(numeric - analytic);
        Xunit.Assert.True(diff <= atol + rtol * Math.Abs(numeric),
            $"{where}: finite difference {numeric:G6}, autograd {analytic:G6}, |diff| {diff:G3} > {atol} + {rtol}·|fd|");
    }
}
