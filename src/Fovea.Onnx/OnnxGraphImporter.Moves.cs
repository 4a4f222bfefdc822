using System.Text.Json.Nodes;
using Fovea.Onnx.Ops;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>The element-moving ops: Slice, Gather, Pad, Tile, Expand, DepthToSpace and SpaceToDepth.</summary>
internal sealed partial class OnnxGraphImporter
{
    [OnnxOperator("Slice")]
    private void Slice()
    {
        var x = Required(0);
        long[] starts, ends;
        long[]? axes, steps = null;
        if (Opset < 10)
        {
            starts = Ints("starts") ?? throw Error("no starts");
            ends = Ints("ends") ?? throw Error("no ends");
            axes = Ints("axes");
        }
        else
        {
            starts = ConstLongs(1, "starts");
            ends = ConstLongs(2, "ends");
            axes = Input(3) is null ? null : ConstLongs(3, "axes");
            steps = Input(4) is null ? null : ConstLongs(4, "steps");
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        var ax = axes.Select(a => (int)(a < 0 ? a + x.Rank : a)).ToArray();
        if (ax.Any(a => a < 0 || a >= x.Rank) || starts.Length != ax.Length || ends.Length != ax.Length
            || steps.Length != ax.Length)
            throw Error($"slice axes [{string.Join(", ", axes)}] do not fit {x.Shape}");
        bool batch = x.BatchMajor;
        for (int i = 0; i < ax.Length; i++)
        {
            if (ax[i] == 0 && !(starts[i] == 0 && steps[i] == 1 && ends[i] >= int.MaxValue))
                batch = false;
        }
        var attrs = new JsonObject
        {
            ["starts"] = OnnxOpArgs.Array(starts), ["ends"] = OnnxOpArgs.Array(ends), ["axes"] = OnnxOpArgs.Array(ax),
            ["steps"] = OnnxOpArgs.Array(steps),
        };
        SetOutput(0, Generic("Slice", attrs, [x], x.ElementType, batchMajor: batch));
    }

    [OnnxOperator("Gather")]
    private void Gather()
    {
        var x = Required(0);
        var indices = Required(1);
        int axis = (int)Int("axis", 0);
        int ax = axis < 0 ? axis + x.Rank : axis;
        if (indices.Constant is { } idx)
        {
            var attrs = new JsonObject
            {
                ["axis"] = ax, ["indices"] = OnnxOpArgs.Array(idx.ToArray().Select(OnnxTensors.ToInt)),
                ["indicesShape"] = OnnxOpArgs.Array(idx.Shape.ToArray()),
            };
            SetOutput(0, Generic("Gather", attrs, [x], x.ElementType, batchMajor: x.BatchMajor && ax != 0));
            return;
        }
        var dynamicAttrs = new JsonObject { ["axis"] = ax };
        SetOutput(0, Generic("Gather", dynamicAttrs, [x, indices], x.ElementType,
            batchMajor: ax == 0 ? indices.BatchMajor : x.BatchMajor));
    }

    [OnnxOperator("Pad")]
    private void Pad()
    {
        var x = Required(0);
        string mode = Str("mode", "constant");
        long[] pads;
        float value;
        long[]? axes = null;
        if (Opset < 11)
        {
            pads = Ints(Opset < 2 ? "paddings" : "pads") ?? throw Error("no pads");
            value = Float("value", 0f);
        }
        else
        {
            pads = ConstLongs(1, "pads");
            var constant = Input(2) is null ? null : ConstInput(2, "constant value");
            value = constant is { Length: > 0 } ? constant.AsReadOnlySpan()[0] : 0f;
            axes = Input(3) is null ? null : ConstLongs(3, "axes");
        }
        var ax = (axes ?? Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray())
            .Select(a => (int)(a < 0 ? a + x.Rank : a)).ToArray();
        if (pads.Length != 2 * ax.Length)
            throw Error($"{pads.Length} pads for {ax.Length} axes of {x.Shape}");
        var before = new int[x.Rank];
        var after = new int[x.Rank];
        for (int i = 0; i < ax.Length; i++)
        {
            before[ax[i]] = (int)pads[i];
            after[ax[i]] = (int)pads[i + ax.Length];
        }
        CheckSize(Enumerable.Range(0, x.Rank).Aggregate(1L, (p, d) => p * Math.Max(0L, (long)x.Shape[d] + before[d]
            + after[d])));
        var padMode = mode switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            "wrap" => PadMode.Wrap,
            _ => throw Unsupported($"pad mode '{mode}'"),
        };
        var attrs = new JsonObject
        {
            ["before"] = OnnxOpArgs.Array(before), ["after"] = OnnxOpArgs.Array(after), ["mode"] = padMode.ToString(),
            ["value"] = value,
        };
        SetOutput(0, Generic("Pad", attrs, [x], x.ElementType, batchMajor: x.BatchMajor && before[0] == 0
            && after[0] == 0));
    }

    [OnnxOperator("Tile")]
    private void Tile()
    {
        var x = Required(0);
        var repeats = ConstInts(1, "repeats");
        if (repeats.Length != x.Rank || repeats.Any(r => r < 0))
            throw Error($"repeats [{string.Join(", ", repeats)}] do not fit {x.Shape}");
        CheckSize(repeats.Aggregate((long)x.Shape.Length, (p, r) => p * r));
        var attrs = new JsonObject { ["repeats"] = OnnxOpArgs.Array(repeats) };
        SetOutput(0, Generic("Tile", attrs, [x], x.ElementType, batchMajor: x.BatchMajor && repeats.Length > 0
            && repeats[0] == 1));
    }

    [OnnxOperator("Expand")]
    private void Expand()
    {
        var x = Required(0);
        var shape = ConstInts(1, "shape");
        if (shape.Any(d => d < 0))
            throw Error($"shape [{string.Join(", ", shape)}] has a negative dimension");
        CheckSize(Enumerable.Range(0, Math.Max(shape.Length, x.Rank)).Aggregate(1L, (p, i) =>
            p * Math.Max(i < shape.Length ? shape[^(i + 1)] : 1, i < x.Rank ? x.Shape[x.Rank - 1 - i] : 1)));
        bool batch = x.BatchMajor && shape.Length == x.Rank && shape.Length > 0 && (shape[0] == 1
            || shape[0] == x.Shape[0]);
        var attrs = new JsonObject { ["shape"] = OnnxOpArgs.Array(shape), ["batch"] = batch };
        SetOutput(0, Generic("Expand", attrs, [x], x.ElementType, batchMajor: batch));
    }

    [OnnxOperator("DepthToSpace")]
    [OnnxOperator("SpaceToDepth")]
    private void DepthSpace()
    {
        var x = Required(0);
        var attrs = new JsonObject { ["blocksize"] = Int32("blocksize", 1), ["mode"] = Str("mode", "DCR") };
        SetOutput(0, Generic(_node.OpType, attrs, [x], x.ElementType));
    }
}
