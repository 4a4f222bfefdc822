using Fovea.Autograd.Functions;
using Fovea.Kernels;
using Fovea.Tensors;

namespace Fovea.Autograd;

public static partial class Functional
{
    /// <summary>
    /// Convolution in 1, 2 or 3 spatial dimensions (ONNX Conv): x [N, C, ...spatial], weight [OC, C/groups, ...kernel],
    /// bias [OC]; per axis, out = floor((in + padBefore + padAfter − dilation·(k − 1) − 1)/stride) + 1.
    /// 1-D and 2-D run on the 2-D kernels, 3-D on <see cref="Conv3DKernels"/>.
    /// </summary>
    public static Tensor Conv(Tensor x, Tensor weight, Tensor? bias, int[] strides, int[] padsBefore, int[] padsAfter,
        int[] dilations, int groups = 1)
    {
        int k = SpatialRank(x, "Conv");
        CheckSpatialArgs(k, "Conv", strides, padsBefore, padsAfter, dilations);
        if (weight.Rank != k + 2)
            throw new ArgumentException($"Conv: weight {weight.Shape} does not match the {k}-D input {x.Shape}");
        if (k == 2)
            return Conv2D(x, weight, bias, (strides[0], strides[1]), (padsBefore[0], padsBefore[1], padsAfter[0],
                padsAfter[1]),
                (dilations[0], dilations[1]), groups);
        if (k == 1)
        {
            var y2 = Conv2D(Reshape(x, x.Shape[0], x.Shape[1], 1, x.Shape[2]),
                Reshape(weight, weight.Shape[0], weight.Shape[1], 1, weight.Shape[2]), bias, (1, strides[0]),
                (0, padsBefore[0], 0, padsAfter[0]), (1, dilations[0]), groups);
            return Reshape(y2, y2.Shape[0], y2.Shape[1], y2.Shape[3]);
        }
        CheckConvInputs3D(x, weight, bias, groups);
        var g = new Conv3DGeometry(x.Shape[0], x.Shape[1], x.Shape.Dims[2..], weight.Shape[0], weight.Shape.Dims[2..],
            strides, padsBefore, padsAfter, dilations, groups);
        return Conv3DFunction.Apply(x, weight, bias, g);
    }

    /// <summary>
    /// Transposed convolution in 1, 2 or 3 spatial dimensions (ONNX ConvTranspose, the adjoint of <see cref="Conv"/>):
    /// x [N, Cin, ...], weight [Cin, Cout/groups, ...kernel], bias [Cout]; per axis,
    /// out = stride·(in − 1) + outputPadding + dilation·(k − 1) + 1 − padBefore − padAfter.
    /// </summary>
    public static Tensor ConvTranspose(Tensor x, Tensor weight, Tensor? bias, int[] strides, int[] padsBefore,
        int[] padsAfter, int[] dilations, int groups = 1, int[]? outputPadding = null)
    {
        int k = SpatialRank(x, "ConvTranspose");
        CheckSpatialArgs(k, "ConvTranspose", strides, padsBefore, padsAfter, dilations);
        var op = outputPadding ?? new int[k];
        if (weight.Rank != k + 2 || weight.Shape[0] != x.Shape[1] || groups <= 0 || x.Shape[1] % groups != 0)
            throw new ArgumentException(
                $"ConvTranspose: weight {weight.Shape} with groups={groups} does not fit input {x.Shape} " +
                $"(expected [{x.Shape[1]}, Cout/groups, ...kernel])");
        int cout = weight.Shape[1] * groups;
        if (bias is not null && (bias.Rank != 1 || bias.Length != cout))
            throw new ArgumentException($"ConvTranspose: bias must be [{cout}], received {bias.Shape}");
        var outDims = new int[k];
        for (int a = 0; a < k; a++)
        {
            outDims[a] = strides[a] * (x.Shape[2 + a] - 1) + op[a] + dilations[a] * (weight.Shape[2 + a] - 1) + 1 -
                padsBefore[a] - padsAfter[a];
            if (outDims[a] <= 0)
                throw new ArgumentException($"ConvTranspose: input {x.Shape} and weight {weight.Shape} give an empty " +
                    $"output");
        }
        var g = new Conv3DGeometry(x.Shape[0], cout, To3(outDims, 1), x.Shape[1], To3(weight.Shape.Dims[2..], 1),
            To3(strides, 1), To3(padsBefore, 0), To3(padsAfter, 0), To3(dilations, 1), groups);
        var x5 = Reshape(x, [x.Shape[0], x.Shape[1], .. To3(x.Shape.Dims[2..], 1)]);
        if (g.OD != x5.Shape[2] || g.OH != x5.Shape[3] || g.OW != x5.Shape[4])
            throw new ArgumentException($"ConvTranspose: output padding [{string.Join(", ", op)}] must be smaller " +
                $"than the strides");
        var w5 = Reshape(weight, [weight.Shape[0], weight.Shape[1], .. To3(weight.Shape.Dims[2..], 1)]);
        var y = ConvTransposeFunction.Apply(x5, w5, bias, g);
        return Reshape(y, [x.Shape[0], cout, .. outDims]);
    }

    /// <summary>
    /// Max pooling in 1, 2 or 3 spatial dimensions (ONNX MaxPool): window <paramref name="kernel"/>, optional
    /// dilations, asymmetric padding and ceil mode (see <see cref="PoolNdGeometry"/>).
    /// </summary>
    public static Tensor MaxPool(Tensor x, int[] kernel, int[] strides, int[] padsBefore, int[] padsAfter,
        int[]? dilations = null, bool ceilMode = false) =>
        PoolNd(x, true, kernel, strides, padsBefore, padsAfter, dilations, ceilMode, countIncludePad: false);

    /// <summary>
    /// Average pooling in 1, 2 or 3 spatial dimensions (ONNX AveragePool); padded cells count in the divisor only
    /// with <paramref name="countIncludePad"/>.
    /// </summary>
    public static Tensor AvgPool(Tensor x, int[] kernel, int[] strides, int[] padsBefore, int[] padsAfter,
        bool ceilMode = false, bool countIncludePad = false, int[]? dilations = null) =>
        PoolNd(x, false, kernel, strides, padsBefore, padsAfter, dilations, ceilMode, countIncludePad);

    private static Tensor PoolNd(Tensor x, bool max, int[] kernel, int[] strides, int[] padsBefore, int[] padsAfter,
        int[]? dilations, bool ceilMode, bool countIncludePad)
    {
        string op = max ? "MaxPool" : "AvgPool";
        int k = SpatialRank(x, op);
        var dil = dilations ?? Enumerable.Repeat(1, k).ToArray();
        CheckSpatialArgs(k, op, strides, padsBefore, padsAfter, dil);
        if (kernel.Length != k)
            throw new ArgumentException($"{op}: a {kernel.Length}-D window for the {k}-D input {x.Shape}");
        var g = new PoolNdGeometry(x.Shape[0] * x.Shape[1], To3(x.Shape.Dims[2..], 1), To3(kernel, 1), To3(strides, 1),
            To3(dil, 1), To3(padsBefore, 0), To3(padsAfter, 0), ceilMode, countIncludePad);
        var outDims = g.Output[(3 - k)..];
        if (k == 2 && dil.All(d => d == 1) && (!countIncludePad || padsBefore.Concat(padsAfter).All(p => p == 0)))
        {
            // The 2-D kernels: the ceil-mode overhang becomes extra end padding, which they never count.
            int endH = (outDims[0] - 1) * strides[0] + kernel[0] - x.Shape[2] - padsBefore[0];
            int endW = (outDims[1] - 1) * strides[1] + kernel[1] - x.Shape[3] - padsBefore[1];
            if (padsBefore[0] < kernel[0] && padsBefore[1] < kernel[1] && endH >= 0 && endW >= 0 &&
                endH < kernel[0] && endW < kernel[1])
            {
                var padding = Padding.Explicit(padsBefore[0], padsBefore[1], endH, endW);
                var y2 = max ? MaxPool2D(x, (kernel[0], kernel[1]), (strides[0], strides[1]), padding)
                    : AvgPool2D(x, (kernel[0], kernel[1]), (strides[0], strides[1]), padding);
                if (y2.Shape[2] == outDims[0] && y2.Shape[3] == outDims[1])
                    return y2;
            }
        }
        var x5 = Reshape(x, [x.Shape[0], x.Shape[1], .. To3(x.Shape.Dims[2..], 1)]);
        var y = PoolNdFunction.Apply(x5, g, max);
        return Reshape(y, [x.Shape[0], x.Shape[1], .. outDims]);
    }

    private static int SpatialRank(Tensor x, string op)
    {
        if (x.Rank < 3 || x.Rank > 5)
            throw new ArgumentException($"{op}: expected input [N, C, ...] with 1 to 3 spatial axes, received " +
                $"{x.Shape}");
        return x.Rank - 2;
    }

    private static void CheckSpatialArgs(int k, string op, int[] strides, int[] padsBefore, int[] padsAfter,
        int[] dilations)
    {
        if (strides.Length != k || padsBefore.Length != k || padsAfter.Length != k || dilations.Length != k)
            throw new ArgumentException(
                $"{op}: strides, paddings and dilations need {k} values each, received {strides.Length}, " +
                $"{padsBefore.Length}, {padsAfter.Length} and {dilations.Length}");
    }

    private static void CheckConvInputs3D(Tensor x, Tensor weight, Tensor? bias, int groups)
    {
        if (groups <= 0 || x.Shape[1] != weight.Shape[1] * groups)
            throw new ArgumentException(
                $"Conv: input has {x.Shape[1]} channels but weight {weight.Shape} with groups={groups} expects " +
                    $"{weight.Shape[1] * groups}");
        if (bias is not null && (bias.Rank != 1 || bias.Length != weight.Shape[0]))
            throw new ArgumentException($"Conv: bias must be [{weight.Shape[0]}], received {bias.Shape}");
    }

    /// <summary>Up to three values, padded in front with <paramref name="fill"/> (1-D and 2-D as 3-D).</summary>
    private static int[] To3(int[] v, int fill)
    {
        var r = new int[3];
        Array.Fill(r, fill);
        v.CopyTo(r, 3 - v.Length);
        return r;
    }
}
