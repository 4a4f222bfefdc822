using System.Runtime.Intrinsics.X86;
using Fovea.Kernels;
using Fovea.Kernels.Reference;
using Xunit;

namespace Fovea.Tests.Kernels;

/// <summary>
/// <see cref="ConvEpilogue"/>: every convolution algorithm, run with an activation epilogue, against
/// <see cref="ReferenceConv2D"/> (double accumulation) followed by the activation evaluated in double. The shapes
/// are those of <see cref="Conv2DKernelsTests.Cases"/>, whose blocks cover rows of 1 to 18 Winograd tiles, blocks
/// spanning images, partial direct-conv rows and im2col row blocks, so a block the epilogue misses or visits twice
/// shows up.
/// Tolerance: the convolution's own (rtol·S + 1e-6, see <see cref="Conv2DKernelsTests"/>) times the activation's
/// largest slope (1.1 for SiLU, 1 for the others), plus 2e-6 relative for the activation's float evaluation
/// (FastMath.Exp is accurate to a few ulp). A skipped activation, or one applied twice, moves most outputs by
/// a large fraction of their value (each case has one activation; the cases rotate through the five).
/// </summary>
public class ConvEpilogueTests
{
    public static TheoryData<Conv2DKernelsTests.Case, string, bool> Cases()
    {
        var data = new TheoryData<Conv2DKernelsTests.Case, string, bool>();
        string[] activations = ["relu", "leaky_relu", "silu", "sigmoid", "tanh", "none"];
        int i = 0;
        foreach (var c in Conv2DKernelsTests.Cases)
        {
            data.Add(c, activations[i % activations.Length], false);
            data.Add(c, activations[(i + 3) % activations.Length], true);
            i++;
        }
        return data;
    }

    /// <summary>With <paramref name="affine"/>, the epilogue also maps each channel by y·scale + shift (the
    /// inference batch norm), after the bias: expected = act((conv + b)·scale + shift), scale in [0.5, 2] and of
    /// either sign.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_WithEpilogue_MatchesReferenceThenActivation(Conv2DKernelsTests.Case c, string activation,
        bool affine)
    {
        var g = c.Geometry;
        var path = Avx512F.IsSupported ? c.Expected : Conv2DKernelsTests.Path.Im2Col;
        var algorithm = path switch
        {
            Conv2DKernelsTests.Path.Winograd => ConvAlgorithm.Winograd,
            Conv2DKernelsTests.Path.Direct => ConvAlgorithm.Direct,
            Conv2DKernelsTests.Path.Depthwise => ConvAlgorithm.Depthwise,
            _ => ConvAlgorithm.Im2Col,
        };
        var (kind, f, slope) = activation switch
        {
            "relu" => (EpilogueActivation.Relu, (Func<double, double>)(v => Math.Max(v, 0)), 1.0),
            "leaky_relu" => (EpilogueActivation.LeakyRelu, v => v > 0 ? v : 0.1 * v, 1.0),
            "silu" => (EpilogueActivation.Silu, v => v / (1 + Math.Exp(-v)), 1.1),
            "sigmoid" => (EpilogueActivation.Sigmoid, v => 1 / (1 + Math.Exp(-v)), 1.0),
            "tanh" => (EpilogueActivation.Tanh, Math.Tanh, 1.0),
            _ => (EpilogueActivation.None, v => v, 1.0),
        };
        var rng = new Random(c.Name.Length * 17 + c.OC);
        var x = Random(rng, g.N * g.InputImage);
        var w = Random(rng, g.WeightLength);
        var b = Random(rng, g.OC);
        var y = Enumerable.Repeat(float.NaN, g.N * g.OutputImage).ToArray();
        var scale = affine ? Enumerable.Range(0, g.OC).Select(_ => (float)((rng.NextDouble() * 1.5 + 0.5) *
            (rng.Next(2) * 2 - 1))).ToArray() : [];
        var shift = affine ? Random(rng, g.OC) : [];
        Conv2DKernels.ForwardFused(x, w, b, scale, shift, kind, 0.1f, y, g, algorithm);

        var reference = new float[y.Length];
        var bound = new float[y.Length];
        ReferenceConv2D.Forward(x, w, b, reference, g);
        ReferenceConv2D.Forward(x.Select(Math.Abs).ToArray(), w.Select(Math.Abs).ToArray(),
            b.Select(Math.Abs).ToArray(), bound, g);
        int plane = g.OH * g.OW;
        double Scale(int i) => affine ? scale[i / plane % g.OC] : 1.0;
        var expected = reference.Select((v, i) => (float)f(affine ? v * Scale(i) + shift[i / plane % g.OC] : v))
            .ToArray();
        double rtol = path == Conv2DKernelsTests.Path.Winograd ? 2e-5 : 1e-5;
        TensorAssert.Close(expected, y,
            i => slope * Math.Abs(Scale(i)) * (rtol * bound[i] + 1e-6) + 2e-6 * Math.Abs(expected[i]) + 1e-7, 0,
            $"{c.Name} {activation}{(affine ? " affine" : "")}");
    }

    private static float[] Random(Random rng, int length)
    {
        var a = new float[length];
        for (int i = 0; i < length; i++)
            a[i] = (float)(rng.NextDouble() * 2 - 1);
        return a;
    }
}
