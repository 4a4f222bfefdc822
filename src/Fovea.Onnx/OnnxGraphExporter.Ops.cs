using System.Text.Json.Nodes;
using Fovea.Kernels;
using Fovea.Layers;
using Fovea.Onnx.Ops;
using Fovea.Tensors;

using Value = Fovea.Onnx.OnnxExportTensor;

namespace Fovea.Onnx;

/// <summary>
/// Imported ONNX ops (<see cref="OnnxOp"/>) back to ONNX nodes: the canonical op and attributes (opset differences
/// resolved at import) are written for opset 17; constants become initializers. Attributes that follow the batch are
/// computed from it: a "batch" flag sets the first entry of a shape to the running batch (0 in a Reshape target,
/// which copies the input's axis 0; 1 in an Expand shape, which keeps it), and "slopes" make an integer attribute
/// affine in the batch, value + slope·(N − import batch) with N read from axis 0 of the imported model's first
/// input.
/// </summary>
internal sealed partial class OnnxGraphExporter
{
    /// <summary>An op input: a value of the graph or one of the op's constants (an initializer when used).</summary>
    private sealed record Operand(Value? Dynamic, Parameter? Constant)
    {
        public Shape Shape => Dynamic?.Shape ?? Constant!.Shape;

        public int Rank => Shape.Rank;

        public bool BatchMajor => Dynamic?.BatchMajor ?? false;
    }

    /// <summary>What the op is exporting: the layer, its attributes, operands and the model's first input.</summary>
    private sealed record OpContext(OnnxOp Op, OnnxOpArgs Args, Operand?[] X, Value ModelInput, Shape OutShape)
    {
        public Operand In(int i) => i < X.Length && X[i] is { } o ? o
            : throw new ArgumentException($"input {i} is missing");

        public IEnumerable<Operand> Present => X.Where(o => o is not null).Select(o => o!);
    }

    /// <summary>Integer attributes that may follow the batch, per op (the "slopes" keys the export handles).</summary>
    private static readonly Dictionary<string, string[]> s_batchAttributes = new()
    {
        ["Reshape"] = ["shape"], ["Expand"] = ["shape"], ["Tile"] = ["repeats"], ["Slice"] = ["starts", "ends"],
        ["Pad"] = ["before", "after"], ["Resize"] = ["sizes"],
    };

    internal Value ExportOnnxOp(OnnxOp op, Value[] dynamic, Value modelInput, LayerNode node)
    {
        var args = new OnnxOpArgs(op.Attributes);
        var weights = op.Weights;
        var x = new Operand?[op.InputSpec.Count];
        for (int i = 0; i < x.Length; i++)
        {
            string spec = op.InputSpec[i];
            int k = spec.Length > 1 ? int.Parse(spec[1..], System.Globalization.CultureInfo.InvariantCulture) : -1;
            x[i] = spec switch
            {
                "" => null,
                ['d', ..] => k < dynamic.Length ? new Operand(dynamic[k], null)
                    : throw Unsupported($"input {i} refers to call argument {k}, but the layer received " +
                        $"{dynamic.Length}", op.Op),
                _ => new Operand(null, weights[k]),
            };
        }
        if (args.Json["slopes"] is JsonObject slopes)
        {
            var allowed = s_batchAttributes.GetValueOrDefault(op.Op) ?? [];
            foreach (var (key, _) in slopes)
            {
                if (!allowed.Contains(key))
                    throw Unsupported($"attribute '{key}' changes with the batch size, which ONNX cannot express " +
                        $"for this op", op.Op);
            }
        }
        var c = new OpContext(op, args, x, modelInput, node.Output.Example.Shape);
        string y;
        try
        {
            y = ExportOp(c);
        }
        catch (ArgumentException e)
        {
            throw Unsupported(e.Message, op.Op);
        }
        bool batchMajor = OutputBatchMajor(c);
        return new Value(y, c.OutShape, batchMajor, OutputFixed(c, batchMajor));
    }

    /// <summary>
    /// Whether the op's output keeps its sizes (besides a batch axis 0) at every batch: no attribute follows the
    /// batch, every dynamic input keeps its sizes, a batch input's batch stays on axis 0, and no second batch input
    /// of a product brings its batch into another axis.
    /// </summary>
    private static bool OutputFixed(OpContext c, bool batchMajor)
    {
        var dynamic = c.Present.Where(o => o.Dynamic is not null).Select(o => o.Dynamic!).ToList();
        if (c.Args.Json["slopes"] is not null || dynamic.Any(v => !v.Fixed))
            return false;
        if (!dynamic.Any(v => v.BatchMajor))
            return true;
        return batchMajor && !(c.Op.Op is "MatMul" or "Gemm" or "Einsum" && dynamic.Skip(1).Any(v => v.BatchMajor));
    }

    private string Use(Operand o) => o.Dynamic?.Name ?? Weight(o.Constant!);

    private string Use(OpContext c, int i) => Use(c.In(i));

    private string ExportOp(OpContext c) => c.Op.Op switch
    {
        "Identity" => Use(c, 0),
        "Reshape" => Reshape(c),
        "Transpose" => Node("Transpose", [Use(c, 0)], null, Attr("perm", c.Args.Ints("perm"))),
        "Slice" => Node("Slice", [Use(c, 0), IntVector(c, "starts", c.Args.Longs("starts")),
            IntVector(c, "ends", c.Args.Longs("ends")), Int64Constant(c.Args.Ints("axes"), "axes"),
            Int64Constant(c.Args.Longs("steps"), role: "steps")]),
        "Gather" => Gather(c),
        "Concat" => ConcatOp(c),
        "Pad" => Pad(c),
        "Tile" => Node("Tile", [Use(c, 0), IntVector(c, "repeats", c.Args.Longs("repeats"))]),
        "Expand" => Expand(c),
        "DepthToSpace" => Node("DepthToSpace", [Use(c, 0)], null, Attr("blocksize", (long)c.Args.Int("blocksize")),
            Attr("mode", c.Args.String("mode", "DCR"))),
        "SpaceToDepth" => Node("SpaceToDepth", [Use(c, 0)], null, Attr("blocksize", (long)c.Args.Int("blocksize"))),
        "ScatterND" => Node("ScatterND", [Use(c, 0), Int64Operand(c.In(1)), Use(c, 2)], null,
            Attr("reduction", c.Args.String("reduction", "none"))),
        "Einsum" => Node("Einsum", c.Present.Select(Use), null, Attr("equation", c.Args.String("equation"))),
        _ => ExportMathOp(c),
    };

    /// <summary>
    /// An int64 vector input for integer attribute <paramref name="key"/>: a constant, or base + slope·N when the
    /// attribute follows the batch (N from the model's first input, base = value − slope·import batch).
    /// </summary>
    private string IntVector(OpContext c, string key, long[] values)
    {
        if (c.Args.Json["slopes"]?[key] is not JsonArray slopeArray)
            return Int64Constant(values, role: key);
        var slope = slopeArray.Select(s => (long)OnnxOpArgs.Number(s!)).ToArray();
        if (slope.Length != values.Length)
            throw Unsupported($"attribute '{key}' and its batch slopes differ in length", c.Op.Op);
        var offset = values.Select((v, i) => v - slope[i] * c.Op.ImportBatch).ToArray();
        string scaled = Node("Mul", [Int64Constant(slope, role: key + "_slope"), BatchSize(c.ModelInput)],
            key + "_by_batch");
        return Node("Add", [Int64Constant(offset, role: key + "_offset"), scaled], key);
    }

    /// <summary>An operand as int64 (indices): a constant converted at export, a value cast at run time.</summary>
    private string Int64Operand(Operand o)
    {
        if (o.Constant is { } p)
            return Int64Constant(p.ToArray().Select(OnnxTensors.ToLong).ToArray(), p.Shape.ToArray(), "indices");
        return Node("Cast", [o.Dynamic!.Name], "to_int64", Attr("to", (long)OnnxTensors.Int64));
    }

    /// <summary>The dynamic input whose axis 0 is the running batch of batch-flagged attributes, or null.</summary>
    private static Value? BatchInput(OpContext c)
    {
        int b = c.Args.Int("batchInput", -1);
        var dynamic = c.Present.Where(o => o.Dynamic is not null).Select(o => o.Dynamic!).ToList();
        return b >= 0 && b < dynamic.Count && dynamic[b].Rank > 0 ? dynamic[b] : null;
    }

    private string Reshape(OpContext c)
    {
        var shape = c.Args.Longs("shape");
        var x = c.In(0);
        if (c.Args.Json["slopes"]?["shape"] is not null)
            return Node("Reshape", [Use(x), IntVector(c, "shape", shape)]);
        bool zeros = shape.Contains(0);
        if (!c.Args.Bool("batch") || shape.Length == 0 || BatchInput(c) is not { } source)
        {
            return Node("Reshape", [Use(x), Int64Constant(shape, role: "shape")], null,
                Attr("allowzero", zeros ? 1L : 0L));
        }
        if (ReferenceEquals(source, x.Dynamic) && !zeros)
        {
            shape[0] = 0; // copies axis 0 of the input: the running batch
            return Node("Reshape", [Use(x), Int64Constant(shape, role: "shape")]);
        }
        string target = Node("Concat", [BatchSize(source), Int64Constant(shape[1..], role: "shape")], "shape",
            Attr("axis", 0L));
        return Node("Reshape", [Use(x), target], null, Attr("allowzero", 1L));
    }

    private string Expand(OpContext c)
    {
        var shape = c.Args.Longs("shape");
        var x = c.In(0);
        if (c.Args.Bool("batch") && shape.Length == x.Rank && shape.Length > 0)
            shape[0] = 1; // broadcasting keeps the input's axis 0, the running batch
        return Node("Expand", [Use(x), IntVector(c, "shape", shape)]);
    }

    private string Gather(OpContext c)
    {
        int axis = c.Args.Int("axis");
        if (c.X.Length > 1 && c.X[1] is { } dynamicIndices)
            return Node("Gather", [Use(c, 0), Int64Operand(dynamicIndices)], null, Attr("axis", (long)axis));
        var indices = c.Args.Longs("indices");
        string idx = Int64Constant(indices, c.Args.Ints("indicesShape"), "indices");
        return Node("Gather", [Use(c, 0), idx], null, Attr("axis", (long)axis));
    }

    /// <summary>
    /// Concat. Fovea broadcasts inputs with batch 1 to the largest batch (constants written for batch 1 next to a
    /// batch) when the axis is not 0: inputs whose axis 0 is not known to be the batch are expanded to the largest
    /// axis 0 of all inputs.
    /// </summary>
    private string ConcatOp(OpContext c)
    {
        var inputs = c.Present.ToList();
        int axis = c.Args.Int("axis");
        if (inputs.Count == 1)
            return Use(inputs[0]);
        int ax = inputs[0].Shape.NormalizeAxis(axis);
        var names = inputs.Select(Use).ToList();
        if (ax != 0 && !inputs.All(o => o.BatchMajor))
        {
            var sizes = inputs.Select(o => o.Dynamic is { } v ? BatchSize(v)
                : Int64Constant([o.Rank > 0 ? o.Shape[0] : 1], role: "size")).ToList();
            string largest = sizes.Count == 1 ? sizes[0] : Node("Max", sizes, "largest_batch");
            for (int i = 0; i < inputs.Count; i++)
            {
                if (inputs[i].BatchMajor)
                    continue;
                var ones = Enumerable.Repeat(1L, inputs[i].Rank - 1).ToArray();
                string target = Node("Concat", [largest, Int64Constant(ones, role: "ones")], $"broadcast{i}_shape",
                    Attr("axis", 0L));
                names[i] = Node("Expand", [names[i], target], $"broadcast{i}");
            }
        }
        return Node("Concat", names, null, Attr("axis", (long)axis));
    }

    /// <summary>
    /// Pad: constant, reflect and edge as ONNX Pad; wrap (and reflections wider than the axis) as a Gather of the
    /// padded positions along each padded axis, whose size is fixed.
    /// </summary>
    private string Pad(OpContext c)
    {
        var x = c.In(0);
        var before = c.Args.Longs("before");
        var after = c.Args.Longs("after");
        var mode = Enum.Parse<PadMode>(c.Args.String("mode", "Constant"));
        bool gather = mode == PadMode.Wrap || (mode == PadMode.Reflect && Enumerable.Range(0, x.Rank).Any(d =>
            before[d] >= x.Shape[d] || after[d] >= x.Shape[d]));
        bool dynamicPads = c.Args.Json["slopes"] is JsonObject s && (s.ContainsKey("before") || s.ContainsKey("after"));
        if (!gather)
        {
            string pads = dynamicPads
                ? Node("Concat", [IntVector(c, "before", before), IntVector(c, "after", after)], "pads",
                    Attr("axis", 0L))
                : Int64Constant(before.Concat(after).ToArray(), role: "pads");
            var inputs = new List<string> { Use(x), pads };
            if (mode == PadMode.Constant)
                inputs.Add(FloatScalar(c.Args.Float("value"), "value"));
            return Node("Pad", inputs, null, Attr("mode", mode.ToString().ToLowerInvariant()));
        }
        if (dynamicPads)
            throw Unsupported($"{mode} padding whose amounts change with the batch size", c.Op.Op);
        string y = Use(x);
        for (int d = 0; d < x.Rank; d++)
        {
            if (before[d] == 0 && after[d] == 0)
                continue;
            if (d == 0 && x.BatchMajor)
                throw Unsupported($"{mode} padding of the batch axis, whose size is not fixed", c.Op.Op);
            var source = IndexMaps.PadAxis(x.Shape[d], (int)before[d], (int)after[d], mode);
            y = Node("Gather", [y, Int64Constant(source, $"pad{d}_indices")], $"pad{d}", Attr("axis", (long)d));
        }
        return y;
    }

    /// <summary>Whether axis 0 of the op's output is the running batch (the import's rules, for the export).</summary>
    private static bool OutputBatchMajor(OpContext c)
    {
        var a = c.Args;
        var x0 = c.X.Length > 0 ? c.X[0] : null;
        bool first = x0 is { BatchMajor: true };
        bool Slope(string key) => a.Json["slopes"]?[key] is JsonArray s && s.Count > 0
            && OnnxOpArgs.Number(s[0]!) == 1 && a.Longs(key) is [var v, ..] && v == c.Op.ImportBatch;
        return c.Op.Op switch
        {
            "Reshape" => (first && a.Bool("batch")) || Slope("shape"),
            "Transpose" => first && a.Ints("perm") is [0, ..],
            "Slice" => first && !a.Ints("axes").Select((ax, i) => (ax, i)).Any(p => p.ax == 0 &&
                !(a.Longs("starts")[p.i] == 0 && a.Longs("steps")[p.i] == 1 && a.Longs("ends")[p.i] >= int.MaxValue)),
            "Gather" => c.X.Length > 1 && c.X[1] is { } idx
                ? (a.Int("axis") == 0 ? idx.BatchMajor : first) : first && a.Int("axis") != 0,
            "Concat" => c.Present.Any(o => o.BatchMajor) && c.Present.First().Shape.NormalizeAxis(a.Int("axis")) != 0,
            "Pad" => first && a.Longs("before") is [0, ..] && a.Longs("after") is [0, ..],
            "Tile" => first && a.Longs("repeats") is [1, ..],
            "Expand" => Slope("shape") || (first && a.Longs("shape").Length == x0!.Rank && (a.Bool("batch") ||
                a.Longs("shape") is [1, ..])),
            "Resize" => a.Floats("scales") is { } s ? first && s[0] == 1f
                : (first && a.Bool("batch")) || Slope("sizes"),
            "Softmax" or "LogSoftmax" or "ArgMax" or "ArgMin" => first && x0!.Rank > 0
                && x0.Shape.NormalizeAxis(a.Int("axis", -1)) != 0,
            "Reduce" => first && a.Ints("axes").Length > 0 && !a.Ints("axes").Contains(0),
            "MatMul" => c.Present.Any(o => o.BatchMajor && o.Rank == c.OutShape.Rank && o.Rank >= 3) ||
                (first && x0!.Rank == c.OutShape.Rank),
            "Gemm" => first && !a.Bool("transA"),
            "Einsum" => false,
            _ => c.Present.Any(o => o.BatchMajor && o.Rank == c.OutShape.Rank),
        };
    }
}
