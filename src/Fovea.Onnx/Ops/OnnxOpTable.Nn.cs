using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Onnx.Ops;

internal static partial class OnnxOpTable
{
    private static Tensor RunNn(string op, OnnxOpArgs a, Tensor?[] x, int batch) => op switch
    {
        "Conv" => Functional.Conv(x[0]!, x[1]!, x.Length > 2 ? x[2] : null, a.Ints("strides"), a.Ints("padsBefore"),
            a.Ints("padsAfter"), a.Ints("dilations"), a.Int("group", 1)),
        "ConvTranspose" => Functional.ConvTranspose(x[0]!, x[1]!, x.Length > 2 ? x[2] : null, a.Ints("strides"),
            a.Ints("padsBefore"), a.Ints("padsAfter"), a.Ints("dilations"), a.Int("group", 1), a.Ints("outputPadding")),
        "MaxPool" => Functional.MaxPool(x[0]!, a.Ints("kernel"), a.Ints("strides"), a.Ints("padsBefore"),
            a.Ints("padsAfter"), a.Ints("dilations"), a.Bool("ceil")),
        "AveragePool" => Functional.AvgPool(x[0]!, a.Ints("kernel"), a.Ints("strides"), a.Ints("padsBefore"),
            a.Ints("padsAfter"), a.Bool("ceil"), a.Bool("countIncludePad"), a.Ints("dilations")),
        "GlobalPool" => GlobalPool(a, x[0]!),
        "LRN" => Functional.Lrn(x[0]!, a.Int("size"), a.Float("alpha", 1e-4f), a.Float("beta", 0.75f), a.Float("bias",
            1f)),
        "LayerNormalization" => Functional.LayerNorm(x[0]!, x.Length > 1 ? x[1] : null, x.Length > 2 ? x[2] : null,
            a.Int("axis", -1), a.Float("epsilon", 1e-5f)),
        "GroupNormalization" => Functional.GroupNorm(x[0]!, a.Int("groups"), x.Length > 1 ? x[1] : null,
            x.Length > 2 ? x[2] : null, a.Float("epsilon", 1e-5f)),
        "BatchNormalization" => BatchNorm(a, x),
        "Resize" => Resize(a, x[0]!, batch),
        _ => throw new ArgumentException($"unknown op '{op}'"),
    };

    private static Tensor GlobalPool(OnnxOpArgs a, Tensor x)
    {
        var axes = Enumerable.Range(2, Math.Max(0, x.Rank - 2)).ToArray();
        if (a.String("kind") == "Max")
            return Functional.Max(x, axes, keepDims: true);
        if (x.Rank >= 3)
            return Functional.Reshape(Functional.GlobalAvgPool(x), [x.Shape[0], x.Shape[1], .. Enumerable.Repeat(1,
                x.Rank - 2)]);
        return Functional.Mean(x, axes, keepDims: true);
    }

    /// <summary>Inference-mode batch normalisation with broadcast statistics (inputs x, scale, bias, mean,
    /// var).</summary>
    private static Tensor BatchNorm(OnnxOpArgs a, Tensor?[] x)
    {
        var input = x[0]!;
        var shape = Enumerable.Repeat(1, input.Rank).ToArray();
        if (input.Rank > 1)
            shape[1] = input.Shape[1];
        Tensor Channel(Tensor t) => Functional.Reshape(t, shape);
        var inv = Functional.Reciprocal(Functional.Sqrt(Functional.Add(Channel(x[4]!), Tensor.Scalar(a.Float("epsilon",
            1e-5f)))));
        var y = Functional.Multiply(Functional.Subtract(input, Channel(x[3]!)), inv);
        return Functional.Add(Functional.Multiply(y, Channel(x[1]!)), Channel(x[2]!));
    }

    private static Tensor Resize(OnnxOpArgs a, Tensor x, int batch)
    {
        var sizes = a.Ints("sizes");
        if (a.Bool("batch") && sizes.Length > 0)
            sizes[0] = batch;
        return Functional.Resize(x, sizes, Enum.Parse<ResizeMode>(a.String("mode", "Nearest")),
            Enum.Parse<ResizeCoordinates>(a.String("coordinates", "HalfPixel")),
            Enum.Parse<NearestRounding>(a.String("nearest", "RoundPreferFloor")), a.Floats("scales"),
            a.Float("cubicA", -0.75f), a.Bool("excludeOutside"));
    }
}
