using System.Text.Json.Nodes;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx.Ops;
using Fovea.Onnx.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// Makes folded shapes follow the batch. Shape arithmetic is folded for the import batch B, so a reshape target such
/// as [B·heads, L, d] is a constant in the imported model. When the batch is symbolic, the graph is imported a second
/// time for B + 1 (a shadow import: same layers, zero weights) and every integer attribute of an
/// <see cref="OnnxOp"/> that differs between the two becomes affine in the batch: value(B + t) = value(B) + slope·t,
/// with t recovered at run time from the size of the op's first input (also affine in the batch). This covers shape
/// arithmetic that is linear in the batch (all of torchvision's exports); if the shadow import fails or builds other
/// layers, the model keeps the single-import rule (axis 0 of batch-major values follows the batch).
/// </summary>
internal static class OnnxBatchSlopes
{
    public static void Learn(Model model, ModelProto proto, string name, string? folder, OnnxImportOptions options,
        int batch)
    {
        var ops = model.Layers.OfType<OnnxOp>().ToList();
        if (ops.Count == 0)
            return;
        Model shadow;
        try
        {
            shadow = new OnnxGraphImporter(proto, name, folder, options, shadow: batch + 1).Import();
        }
        catch (FoveaException)
        {
            return; // the graph does not run at another batch: keep the import batch's shapes
        }
        var twins = shadow.Layers.OfType<OnnxOp>().ToDictionary(l => l.Name!);
        var updates = new List<(OnnxOp Op, JsonObject Slopes, long[] Lengths)>();
        var firstLengths = FirstInputLengths(model);
        var twinLengths = FirstInputLengths(shadow);
        foreach (var op in ops)
        {
            if (!twins.TryGetValue(op.Name!, out var twin) || twin.Op != op.Op || twin.InputSpec.Count != op.InputSpec.Count)
                return;
            var slopes = new JsonObject();
            foreach (var (key, value) in op.Attributes)
            {
                if (key is "batch" or "batchInput" || value is null || twin.Attributes[key] is not { } other)
                    continue;
                if (!Slope(value, other, out var slope))
                    return; // a non-numeric attribute changed: the two imports differ in kind
                if (slope is not null)
                    slopes[key] = slope;
            }
            long first = firstLengths.GetValueOrDefault(op), second = twinLengths.GetValueOrDefault(twin);
            updates.Add((op, slopes, [first, second]));
        }
        foreach (var (op, slopes, lengths) in updates)
        {
            op.Attributes["batch"] = false;
            if (slopes.Count == 0)
                continue;
            op.Attributes["slopes"] = slopes;
            op.Attributes["lengths"] = OnnxOpArgs.Array(lengths);
        }
    }

    /// <summary>Per layer of <paramref name="model"/>: the element count of its first call's first input (0 without
    /// inputs).</summary>
    private static Dictionary<Layer, long> FirstInputLengths(Model model)
    {
        var lengths = new Dictionary<Layer, long>(ReferenceEqualityComparer.Instance);
        foreach (var node in model.Nodes)
            lengths.TryAdd(node.Layer, node.Inputs.Count > 0 ? node.Inputs[0].Example.Length : 0);
        return lengths;
    }

    /// <summary>The elementwise difference of two integer attributes (null when equal); false for other changes.</summary>
    private static bool Slope(JsonNode a, JsonNode b, out JsonNode? slope)
    {
        slope = null;
        if (a.ToJsonString() == b.ToJsonString())
            return true;
        if (a is JsonArray xa && b is JsonArray xb && xa.Count == xb.Count)
        {
            var diffs = new long[xa.Count];
            for (int i = 0; i < diffs.Length; i++)
            {
                if (!Integer(xa[i], out long p) || !Integer(xb[i], out long q))
                    return false;
                diffs[i] = q - p;
            }
            slope = OnnxOpArgs.Array(diffs);
            return true;
        }
        if (Integer(a, out long la) && Integer(b, out long lb))
        {
            slope = JsonValue.Create(lb - la);
            return true;
        }
        return false;
    }

    private static bool Integer(JsonNode? n, out long value)
    {
        value = 0;
        if (n is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number)
            return false;
        double d = OnnxOpArgs.Number(v);
        value = (long)d;
        return d == Math.Floor(d);
    }
}
