using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Onnx.Ops;

/// <summary>
/// The canonical ops of <see cref="OnnxOp"/>, one method each, named after the ONNX ops (tinygrad's onnx.py style),
/// all built from <see cref="Functional"/> so that gradients flow. The importer uses the same table to fold
/// constant subgraphs. <c>batch</c> is the running batch; attributes flagged "batch" hold shapes whose first
/// entry is the batch and follow it.
/// </summary>
internal static partial class OnnxOpTable
{
    public static Tensor Run(string op, OnnxOpArgs a, Tensor?[] x, int batch, int importBatch) => op switch
    {
        "Identity" => x[0]!,
        "Reshape" => Reshape(a, x[0]!, batch),
        "Transpose" => Functional.Permute(x[0]!, a.Ints("perm")),
        "Slice" => Functional.Slice(x[0]!, a.Longs("starts"), a.Longs("ends"), a.Ints("axes"), a.Longs("steps")),
        "Gather" => Gather(a, x),
        "Concat" => Concat(a, x),
        "Pad" => Functional.Pad(x[0]!, a.Ints("before"), a.Ints("after"), Enum.Parse<PadMode>(a.String("mode",
            "Constant")),
            a.Float("value")),
        "Tile" => Functional.Tile(x[0]!, a.Ints("repeats")),
        "Expand" => Expand(a, x[0]!),
        "DepthToSpace" => DepthToSpace(a, x[0]!),
        "SpaceToDepth" => SpaceToDepth(a, x[0]!),
        "ScatterND" => ScatterNd(a, x[0]!, x[1]!, x[2]!),
        "Einsum" => Functional.Einsum(a.String("equation"), x.Where(t => t is not null).Select(t => t!).ToArray()),
        _ => RunMath(op, a, x, batch),
    };

    private static Tensor Reshape(OnnxOpArgs a, Tensor x, int batch)
    {
        var shape = a.Ints("shape");
        if (a.Bool("batch") && shape.Length > 0)
            shape[0] = batch;
        return Functional.Reshape(x, shape);
    }

    private static Tensor Gather(OnnxOpArgs a, Tensor?[] x)
    {
        int axis = a.Int("axis");
        if (x.Length > 1 && x[1] is { } dynamicIndices)
        {
            var values = dynamicIndices.AsReadOnlySpan();
            var idx = new int[values.Length];
            for (int i = 0; i < idx.Length; i++)
                idx[i] = (int)values[i];
            return Functional.Gather(x[0]!, axis, idx, dynamicIndices.Shape.ToArray());
        }
        return Functional.Gather(x[0]!, axis, a.Ints("indices"), a.Ints("indicesShape"));
    }

    /// <summary>Concat; inputs with batch 1 next to a larger batch are broadcast (constants written for batch
    /// 1).</summary>
    private static Tensor Concat(OnnxOpArgs a, Tensor?[] x)
    {
        var inputs = x.Where(t => t is not null).Select(t => t!).ToList();
        int axis = a.Int("axis");
        if (inputs.Count > 1 && inputs[0].Rank > 0 && inputs[0].Shape.NormalizeAxis(axis) != 0)
        {
            int n = inputs.Max(t => t.Rank > 0 ? t.Shape[0] : 1);
            for (int i = 0; i < inputs.Count; i++)
            {
                if (inputs[i].Rank > 0 && inputs[i].Shape[0] == 1 && n > 1)
                    inputs[i] = Functional.Expand(inputs[i], inputs[i].Shape.With(0, n).ToArray());
            }
        }
        return inputs.Count == 1 ? inputs[0] : Functional.Concat(inputs, axis);
    }

    private static Tensor Expand(OnnxOpArgs a, Tensor x)
    {
        var shape = a.Ints("shape");
        if (a.Bool("batch") && shape.Length == x.Rank && shape.Length > 0)
            shape[0] = 1;
        return Functional.Expand(x, shape);
    }

    /// <summary>[N, C, H, W] → [N, C/b², H·b, W·b]; mode DCR (depth-column-row, default) or CRD.</summary>
    private static Tensor DepthToSpace(OnnxOpArgs a, Tensor x)
    {
        int b = a.Int("blocksize");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        bool crd = a.String("mode", "DCR") == "CRD";
        var t = crd ? Functional.Reshape(x, n, c / (b * b), b, b, h, w) : Functional.Reshape(x, n, b, b, c / (b * b),
            h, w);
        t = crd ? Functional.Permute(t, 0, 1, 4, 2, 5, 3) : Functional.Permute(t, 0, 3, 4, 1, 5, 2);
        return Functional.Reshape(t, n, c / (b * b), h * b, w * b);
    }

    /// <summary>[N, C, H, W] → [N, C·b², H/b, W/b].</summary>
    private static Tensor SpaceToDepth(OnnxOpArgs a, Tensor x)
    {
        int b = a.Int("blocksize");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var t = Functional.Reshape(x, n, c, h / b, b, w / b, b);
        t = Functional.Permute(t, 0, 3, 5, 1, 2, 4);
        return Functional.Reshape(t, n, c * b * b, h / b, w / b);
    }

    /// <summary>
    /// ScatterND with constant indices: y = data with the indexed slices replaced by (or, for "add", increased by)
    /// updates, as an index map from updates plus the data masked where it is replaced; gradients reach both.
    /// </summary>
    private static Tensor ScatterNd(OnnxOpArgs a, Tensor data, Tensor indices, Tensor updates)
    {
        int k = indices.Rank == 0 ? 0 : indices.Shape[indices.Rank - 1];
        if (k < 1 || k > data.Rank)
            throw new ArgumentException($"ScatterND: indices {indices.Shape} do not index data {data.Shape}");
        int slice = data.Shape.ToArray()[k..].Aggregate(1, (p, d) => p * d);
        int count = indices.Length / k;
        if (updates.Length != count * slice)
            throw new ArgumentException($"ScatterND: updates {updates.Shape} do not fit indices {indices.Shape}");
        var map = new int[data.Length];
        Array.Fill(map, -1);
        var mask = Tensor.Ones(data.Shape);
        var ms = mask.AsSpan();
        var idx = indices.AsReadOnlySpan();
        var strides = OnnxTensors.Strides(data.Shape.ToArray());
        for (int i = 0; i < count; i++)
        {
            long offset = 0;
            for (int d = 0; d < k; d++)
            {
                long v = (long)idx[i * k + d];
                v = v < 0 ? v + data.Shape[d] : v;
                if (v < 0 || v >= data.Shape[d])
                    throw new ArgumentException($"ScatterND: index {idx[i * k + d]} is out of range for axis {d} of {data.Shape}");
                offset += v * strides[d];
            }
            for (int j = 0; j < slice; j++)
            {
                map[offset + j] = i * slice + j;
                ms[(int)offset + j] = 0f;
            }
        }
        var scattered = Functional.Remap(Functional.Reshape(updates, updates.Length), map, data.Shape, 0f, "ScatterND");
        var kept = a.String("reduction", "none") == "add" ? data : Functional.Multiply(data, mask);
        return Functional.Add(scattered, kept);
    }
}
