using System.Text.Json.Nodes;
using Fovea.Onnx.Ops;
using Fovea.Tensors;

namespace Fovea.Onnx;

internal sealed partial class OnnxGraphImporter
{
    /// <summary>
    /// The import functions, one per ONNX operator: every importer method marked <see cref="OnnxOperatorAttribute"/>,
    /// found once by reflection (tinygrad's onnx.py table of functions named after the ops).
    /// </summary>
    private static readonly Dictionary<string, Action<OnnxGraphImporter>> s_operators = OperatorTable();

    /// <summary>The ONNX operators Fovea imports: the keys of the operator table.</summary>
    public static IReadOnlySet<string> SupportedOps { get; } = new SortedSet<string>(s_operators.Keys,
        StringComparer.Ordinal);

    private static Dictionary<string, Action<OnnxGraphImporter>> OperatorTable()
    {
        var table = new Dictionary<string, Action<OnnxGraphImporter>>(StringComparer.Ordinal);
        var methods = typeof(OnnxGraphImporter).GetMethods(System.Reflection.BindingFlags.Instance
            | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);
        foreach (var method in methods)
        {
            foreach (var mark in method.GetCustomAttributes(typeof(OnnxOperatorAttribute), false))
            {
                string op = ((OnnxOperatorAttribute)mark).OpType;
                if (!table.TryAdd(op, method.CreateDelegate<Action<OnnxGraphImporter>>()))
                    throw new InvalidOperationException($"ONNX operator '{op}' has two import functions");
            }
        }
        return table;
    }

    /// <summary>Imports the current node with its operator's function from the table.</summary>
    private void ImportNode()
    {
        if (_node.Domain is not ("" or "ai.onnx") || !s_operators.TryGetValue(_node.OpType, out var import))
            throw Unsupported();
        import(this);
    }

    private static OnnxValue ConstValue(Tensor t, int type) => OnnxValue.Const(t, type);

    [OnnxOperator("Constant")]
    private void Constant()
    {
        if (Attr("value") is { } v)
            SetOutput(0, ConstValue(OnnxTensors.Read(v.T, _folder, $"ONNX '{_where}'"), v.T.DataType));
        else if (Attr("value_float") is { } f)
            SetOutput(0, ConstValue(Tensor.Scalar(f.F), OnnxTensors.Float));
        else if (Attr("value_floats") is { } fs)
            SetOutput(0, ConstValue(Tensor.FromArray(fs.Floats.ToArray()), OnnxTensors.Float));
        else if (Attr("value_int") is { } i)
            SetOutput(0, ConstValue(Tensor.Scalar(i.I), OnnxTensors.Int64));
        else if (Attr("value_ints") is { } ints)
            SetOutput(0, ConstValue(Tensor.FromArray(ints.Ints.Select(x => (float)x).ToArray()), OnnxTensors.Int64));
        else
            throw Unsupported("only tensor, float and int values are supported");
    }

    [OnnxOperator("ConstantOfShape")]
    private void ConstantOfShape()
    {
        var dims = ConstInts(0, "shape");
        if (dims.Any(d => d < 0))
            throw Error($"shape [{string.Join(", ", dims)}] has a negative dimension");
        CheckSize(dims.Aggregate(1L, (p, d) => p * d));
        float value = 0f;
        int type = OnnxTensors.Float;
        if (Attr("value") is { } v)
        {
            var t = OnnxTensors.Read(v.T, _folder, $"ONNX '{_where}'");
            if (t.Length != 1)
                throw Error($"the value must hold one element, it has shape {t.Shape}");
            value = t.AsReadOnlySpan()[0];
            type = v.T.DataType;
        }
        SetOutput(0, ConstValue(Tensor.Full(new Shape(dims), value), type));
    }

    [OnnxOperator("Shape")]
    private void ShapeOp()
    {
        var dims = Required(0).Shape.ToArray();
        int rank = dims.Length;
        int start = (int)Int("start", 0), end = (int)Int("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var part = dims[start..Math.Max(start, end)].Select(d => (float)d).ToArray();
        SetOutput(0, ConstValue(Tensor.FromArray(part, [part.Length]), OnnxTensors.Int64));
    }

    [OnnxOperator("Size")]
    private void Size() => SetOutput(0, ConstValue(Tensor.Scalar(Required(0).Shape.Length), OnnxTensors.Int64));

    [OnnxOperator("Identity")]
    private void Identity() => SetOutput(0, Required(0));

    [OnnxOperator("Range")]
    private void RangeOp()
    {
        float start = ConstInput(0, "start").Item(), limit = ConstInput(1, "limit").Item(), delta = ConstInput(2,
            "delta").Item();
        if (delta == 0)
            throw Error("delta must not be 0");
        double count = Math.Ceiling((limit - start) / (double)delta);
        CheckSize(double.IsNaN(count) ? -1 : (long)Math.Min(count, long.MaxValue));
        int n = Math.Max((int)count, 0);
        var values = Enumerable.Range(0, n).Select(i => start + i * delta).ToArray();
        SetOutput(0, ConstValue(Tensor.FromArray(values, [n]), Required(0).ElementType));
    }

    [OnnxOperator("NonZero")]
    private void NonZero()
    {
        var x = ConstInput(0, "data");
        var v = x.AsReadOnlySpan();
        var strides = OnnxTensors.Strides(x.Shape.ToArray());
        var hits = new List<int>();
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] != 0)
                hits.Add(i);
        }
        var result = new float[x.Rank * hits.Count];
        for (int k = 0; k < hits.Count; k++)
        {
            for (int d = 0; d < x.Rank; d++)
                result[d * hits.Count + k] = hits[k] / strides[d] % x.Shape[d];
        }
        SetOutput(0, ConstValue(Tensor.FromArray(result, [x.Rank, hits.Count]), OnnxTensors.Int64));
    }

    /// <summary>Casts: constants are converted; at run time everything is float32, so only integer targets
    /// truncate.</summary>
    [OnnxOperator("Cast")]
    [OnnxOperator("CastLike")]
    private void Cast()
    {
        var x = Required(0);
        int to = _node.OpType == "CastLike" ? Required(1).ElementType : Int32("to", OnnxTensors.Float);
        string kind = OnnxTensors.IsInteger(to) ? "int" : to == OnnxTensors.Bool ? "bool" : "float";
        if (kind == "float" || (kind == "int" && OnnxTensors.IsInteger(x.ElementType)))
        {
            SetOutput(0, x.Constant is { } c ? ConstValue(c, to) : OnnxValue.Dynamic(x.Symbol!, to, x.BatchMajor));
            return;
        }
        SetOutput(0, Generic("Cast", new JsonObject { ["to"] = kind }, [x], to));
    }

    /// <summary>Reshape-like ops: the output shape is fixed at import; axis 0 follows the batch when it stays the
    /// batch.</summary>
    private void ReshapeTo(OnnxValue x, int[] shape)
    {
        var inDims = x.Shape.ToArray();
        if (shape.Aggregate(1L, (p, d) => p * d) != x.Shape.Length)
            throw Error($"cannot reshape {x.Shape} ({x.Shape.Length} elements) to [{string.Join(", ", shape)}]");
        bool batch = x.BatchMajor && shape.Length > 0 && inDims.Length > 0 && shape[0] == inDims[0] &&
            shape[1..].Aggregate(1L, (p, d) => p * d) == inDims[1..].Aggregate(1L, (p, d) => p * d);
        var attrs = new JsonObject { ["shape"] = OnnxOpArgs.Array(shape), ["batch"] = batch };
        SetOutput(0, Generic("Reshape", attrs, [x], x.ElementType, batchMajor: batch));
    }

    [OnnxOperator("Reshape")]
    private void Reshape()
    {
        var x = Required(0);
        var target = Opset >= 5 ? ConstLongs(1, "shape") : (Ints("shape") ?? throw Error("no shape"));
        bool allowZero = Int("allowzero", 0) != 0;
        var dims = new int[target.Length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            long t = target[i];
            if (t == 0 && !allowZero)
                t = i < x.Rank ? x.Shape[i] : throw Error($"shape [{string.Join(", ", target)}] copies axis {i} of " +
                    $"{x.Shape}");
            if (t == -1)
            {
                if (infer >= 0)
                    throw Error($"shape [{string.Join(", ", target)}] has two -1 entries");
                infer = i;
                continue;
            }
            if (t < 0 || t > int.MaxValue)
                throw Error($"shape [{string.Join(", ", target)}] has an invalid dimension {t}");
            dims[i] = (int)t;
            known *= t;
        }
        if (infer >= 0)
        {
            if (known == 0 || x.Shape.Length % known != 0)
                throw Error($"cannot infer the -1 in [{string.Join(", ", target)}] for {x.Shape}");
            dims[infer] = (int)(x.Shape.Length / known);
        }
        ReshapeTo(x, dims);
    }

    [OnnxOperator("Flatten")]
    private void Flatten()
    {
        var x = Required(0);
        int axis = (int)Int("axis", 1);
        if (axis < 0)
            axis += x.Rank;
        if (axis < 0 || axis > x.Rank)
            throw Error($"axis {Int("axis", 1)} is out of range for {x.Shape}");
        int outer = x.Shape.ToArray()[..axis].Aggregate(1, (p, d) => p * d);
        ReshapeTo(x, [outer, x.Shape.Length / Math.Max(1, outer)]);
    }

    private long[]? AxesArg(int inputIndex) => Opset >= 13 ? (Input(inputIndex) is null ? null : ConstLongs(inputIndex,
        "axes")) : Ints("axes");

    [OnnxOperator("Squeeze")]
    private void Squeeze()
    {
        var x = Required(0);
        var axes = AxesArg(1)?.Select(a => (int)(a < 0 ? a + x.Rank : a)).ToHashSet();
        if (axes is not null && axes.Any(a => a < 0 || a >= x.Rank || x.Shape[a] != 1))
            throw Error($"cannot squeeze axes [{string.Join(", ", AxesArg(1)!)}] of {x.Shape}");
        var dims = x.Shape.ToArray().Where((d, i) => axes is null ? d != 1 : !axes.Contains(i)).ToArray();
        ReshapeTo(x, dims);
    }

    [OnnxOperator("Unsqueeze")]
    private void Unsqueeze()
    {
        var x = Required(0);
        var raw = AxesArg(1) ?? throw Error("no axes given");
        int rank = x.Rank + raw.Length;
        var axes = raw.Select(a => (int)(a < 0 ? a + rank : a)).ToHashSet();
        if (axes.Count != raw.Length || axes.Any(a => a < 0 || a >= rank))
            throw Error($"invalid axes [{string.Join(", ", raw)}] for {x.Shape}");
        var dims = new int[rank];
        for (int i = 0, k = 0; i < rank; i++)
            dims[i] = axes.Contains(i) ? 1 : x.Shape[k++];
        ReshapeTo(x, dims);
    }

    [OnnxOperator("Transpose")]
    private void Transpose()
    {
        var x = Required(0);
        var perm = Ints("perm")?.Select(p => (int)p).ToArray() ?? Enumerable.Range(0, x.Rank).Reverse().ToArray();
        var attrs = new JsonObject { ["perm"] = OnnxOpArgs.Array(perm) };
        SetOutput(0, Generic("Transpose", attrs, [x], x.ElementType, batchMajor: x.BatchMajor && perm.Length > 0
            && perm[0] == 0));
    }

    [OnnxOperator("Concat")]
    private void Concat()
    {
        var inputs = Enumerable.Range(0, InputCount).Select(Input).Where(v => v is not null
            && v.Shape.Length > 0).ToList();
        if (inputs.Count == 0)
            throw Error("all inputs are empty");
        int axis = (int)Int("axis", 0);
        int rank = inputs[0]!.Rank;
        int ax = axis < 0 ? axis + rank : axis;
        bool batch = ax != 0 && inputs.Any(v => v is { IsConstant: false, BatchMajor: true });
        var attrs = new JsonObject { ["axis"] = axis };
        SetOutput(0, Generic("Concat", attrs, inputs, inputs[0]!.ElementType, batchMajor: batch));
    }

    [OnnxOperator("Split")]
    private void Split()
    {
        var x = Required(0);
        int axis = (int)Int("axis", 0);
        int ax = axis < 0 ? axis + x.Rank : axis;
        if (ax < 0 || ax >= x.Rank)
            throw Error($"axis {axis} is out of range for {x.Shape}");
        long[]? sizes = Opset >= 13 ? (Input(1) is null ? null : ConstLongs(1, "split")) : Ints("split");
        int parts = _node.Output.Count;
        int dim = x.Shape[ax];
        if (sizes is null || sizes.Length == 0)
        {
            int chunk = Opset >= 18 && Attr("num_outputs") is not null ? (dim + parts - 1) / parts : dim / Math.Max(1,
                parts);
            sizes = Enumerable.Range(0, parts).Select(i => (long)Math.Min(chunk, dim - i * chunk)).ToArray();
        }
        if (sizes.Length != parts || sizes.Sum() != dim || sizes.Any(s => s < 0))
            throw Error($"split sizes [{string.Join(", ", sizes)}] do not divide axis {axis} of {x.Shape} into " +
                $"{parts} outputs");
        long start = 0;
        for (int i = 0; i < parts; i++)
        {
            var attrs = new JsonObject
            {
                ["starts"] = OnnxOpArgs.Array(new[] { start }), ["ends"] = OnnxOpArgs.Array(new[] { start + sizes[i] }),
                ["axes"] = OnnxOpArgs.Array(new[] { ax }), ["steps"] = OnnxOpArgs.Array(new[] { 1L }),
            };
            SetOutput(i, Generic("Slice", attrs, [x], x.ElementType, batchMajor: x.BatchMajor && ax != 0,
                suffix: i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            start += sizes[i];
        }
    }

    [OnnxOperator("Einsum")]
    private void Einsum()
    {
        var inputs = Enumerable.Range(0, InputCount).Select(Input).ToList();
        var attrs = new JsonObject { ["equation"] = Str("equation", "") };
        SetOutput(0, Generic("Einsum", attrs, inputs, inputs[0]?.ElementType ?? OnnxTensors.Float));
    }

    /// <summary>
    /// ScatterND: folded when everything is constant (Swin's shifted-window masks); otherwise (MViT-v2's relative
    /// positions written into a slice of the attention) an op over the data and updates with constant indices.
    /// </summary>
    [OnnxOperator("ScatterND")]
    private void ScatterNd()
    {
        string reductionMode = Str("reduction", "none");
        if (!Required(0).IsConstant || !Required(2).IsConstant)
        {
            if (reductionMode is not ("none" or "add"))
                throw Unsupported($"reduction '{reductionMode}' on values that depend on the input");
            ConstInput(1, "indices");
            var attrs = new JsonObject { ["reduction"] = reductionMode };
            SetOutput(0, Generic("ScatterND", attrs, [Required(0), Required(1), Required(2)], Required(0).ElementType));
            return;
        }
        var data = ConstInput(0, "data");
        var indices = ConstInput(1, "indices");
        var updates = ConstInput(2, "updates");
        string reduction = Str("reduction", "none");
        int k = indices.Rank == 0 ? 0 : indices.Shape[indices.Rank - 1];
        if (k < 1 || k > data.Rank)
            throw Error($"indices {indices.Shape} do not index data {data.Shape}");
        int slice = data.Shape.ToArray()[k..].Aggregate(1, (p, d) => p * d);
        int count = indices.Length / k;
        if (updates.Length != count * slice)
            throw Error($"updates {updates.Shape} do not fit indices {indices.Shape} into data {data.Shape}");
        var y = data.ToArray();
        var idx = indices.AsReadOnlySpan();
        var up = updates.AsReadOnlySpan();
        var strides = OnnxTensors.Strides(data.Shape.ToArray());
        for (int i = 0; i < count; i++)
        {
            long offset = 0;
            for (int d = 0; d < k; d++)
            {
                long v = OnnxTensors.ToLong(idx[i * k + d]);
                if (v < 0)
                    v += data.Shape[d];
                if (v < 0 || v >= data.Shape[d])
                    throw Error($"index {idx[i * k + d]} is out of range for axis {d} of {data.Shape}");
                offset += v * strides[d];
            }
            for (int j = 0; j < slice; j++)
            {
                ref float target = ref y[offset + j];
                float u = up[i * slice + j];
                target = reduction switch
                {
                    "add" => target + u,
                    "mul" => target * u,
                    "max" => Math.Max(target, u),
                    "min" => Math.Min(target, u),
                    _ => u,
                };
            }
        }
        SetOutput(0, OnnxValue.Const(Tensor.Wrap(y, data.Shape), Required(0).ElementType));
    }
}
