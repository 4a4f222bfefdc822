using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>
    /// Resizes every axis whose size changes (ONNX Resize): axis d goes from x.Shape[d] to
    /// <paramref name="sizes"/>[d] elements, sampled as <paramref name="mode"/> says at input coordinates given by
    /// <paramref name="coordinates"/>. <paramref name="scales"/> (optional) are the scale factors the coordinate
    /// mapping uses when they were given instead of sizes. Linear and cubic resizing are separable and run axis by
    /// axis; nearest is an index map. Gradients flow to x.
    /// </summary>
    public static Tensor Resize(Tensor x, int[] sizes, ResizeMode mode = ResizeMode.Nearest,
        ResizeCoordinates coordinates = ResizeCoordinates.HalfPixel,
            NearestRounding nearest = NearestRounding.RoundPreferFloor,
        float[]? scales = null, float cubicCoefficient = -0.75f, bool excludeOutside = false)
    {
        if (sizes.Length != x.Rank || sizes.Any(s => s <= 0))
            throw new ArgumentException($"Resize: sizes [{string.Join(", ", sizes)}] for input {x.Shape}");
        if (mode == ResizeMode.Nearest)
        {
            var sources = new int[x.Rank][];
            for (int d = 0; d < x.Rank; d++)
            {
                float scale = scales?[d] ?? (float)sizes[d] / x.Shape[d];
                sources[d] = new int[sizes[d]];
                for (int o = 0; o < sizes[d]; o++)
                {
                    double c = SourceCoordinate(o, x.Shape[d], sizes[d], scale, coordinates);
                    sources[d][o] = Math.Clamp(Round(c, nearest), 0, x.Shape[d] - 1);
                }
            }
            return IndexMapFunction.Apply(x, IndexMaps.Separable(x.Shape.Dims, sources), new Shape(sizes), 0f,
                "Resize");
        }
        var y = x;
        for (int d = 0; d < x.Rank; d++)
        {
            if (sizes[d] == x.Shape[d] && (scales is null || scales[d] == 1f))
                continue;
            float scale = scales?[d] ?? (float)sizes[d] / x.Shape[d];
            var (idx, w, taps) = mode == ResizeMode.Linear
                ? LinearTaps(x.Shape[d], sizes[d], scale, coordinates)
                : CubicTaps(x.Shape[d], sizes[d], scale, coordinates, cubicCoefficient, excludeOutside);
            y = ResampleFunction.Apply(y, d, sizes[d], idx, w, taps);
        }
        return y;
    }

    private static double SourceCoordinate(int o, int inSize, int outSize, float scale, ResizeCoordinates mode)
        => mode switch
    {
        ResizeCoordinates.HalfPixel => (o + 0.5) / scale - 0.5,
        ResizeCoordinates.PytorchHalfPixel => outSize > 1 ? (o + 0.5) / scale - 0.5 : 0,
        ResizeCoordinates.AlignCorners => outSize == 1 ? 0 : o * (inSize - 1.0) / (outSize - 1.0),
        ResizeCoordinates.Asymmetric => o / (double)scale,
        ResizeCoordinates.TfHalfPixelForNearest => (o + 0.5) / scale,
        _ => inSize / 2.0 * (1 - outSize / (scale * (double)inSize)) + (o + 0.5) / scale - 0.5,
    };

    private static int Round(double c, NearestRounding mode) => mode switch
    {
        NearestRounding.Floor => (int)Math.Floor(c),
        NearestRounding.Ceil => (int)Math.Ceiling(c),
        NearestRounding.RoundPreferCeil => (int)Math.Floor(c + 0.5),
        _ => c - Math.Floor(c) == 0.5 ? (int)Math.Floor(c) : (int)Math.Round(c),
    };

    private static (int[] Idx, float[] W, int Taps) LinearTaps(int inSize, int outSize, float scale,
        ResizeCoordinates mode)
    {
        var idx = new int[outSize * 2];
        var w = new float[outSize * 2];
        for (int o = 0; o < outSize; o++)
        {
            double c = Math.Clamp(SourceCoordinate(o, inSize, outSize, scale, mode), 0, inSize - 1);
            int i0 = (int)Math.Floor(c);
            int i1 = Math.Min(i0 + 1, inSize - 1);
            double f = c - i0;
            (idx[2 * o], idx[2 * o + 1]) = (i0, i1);
            (w[2 * o], w[2 * o + 1]) = ((float)(1 - f), (float)f);
        }
        return (idx, w, 2);
    }

    private static (int[] Idx, float[] W, int Taps) CubicTaps(int inSize, int outSize, float scale,
        ResizeCoordinates mode,
        float a, bool excludeOutside)
    {
        var idx = new int[outSize * 4];
        var w = new float[outSize * 4];
        for (int o = 0; o < outSize; o++)
        {
            double c = SourceCoordinate(o, inSize, outSize, scale, mode);
            int i0 = (int)Math.Floor(c);
            double f = c - i0;
            double[] coeff = [Cubic(1 + f, a), Cubic(f, a), Cubic(1 - f, a), Cubic(2 - f, a)];
            double total = 0;
            for (int t = 0; t < 4; t++)
            {
                int i = i0 - 1 + t;
                if (excludeOutside && (i < 0 || i >= inSize))
                    coeff[t] = 0;
                total += coeff[t];
            }
            for (int t = 0; t < 4; t++)
            {
                idx[4 * o + t] = Math.Clamp(i0 - 1 + t, 0, inSize - 1);
                w[4 * o + t] = (float)(excludeOutside && total != 0 ? coeff[t] / total : coeff[t]);
            }
        }
        return (idx, w, 4);
    }

    /// <summary>Keys' cubic convolution kernel with parameter a.</summary>
    private static double Cubic(double s, double a)
    {
        s = Math.Abs(s);
        if (s <= 1)
            return ((a + 2) * s - (a + 3)) * s * s + 1;
        if (s < 2)
            return ((a * s - 5 * a) * s + 8 * a) * s - 4 * a;
        return 0;
    }
}
