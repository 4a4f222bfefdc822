using System.Text.Json.Nodes;
using Fovea.Onnx.Ops;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// Control flow and sequences, resolved at import: If with a condition known at import inlines its branch; Loop with
/// a known trip count and condition is unrolled (PyTorch exports tensor lists this way, e.g. MViT's
/// <c>tensor_split</c>); sequences are lists of values that live only during import (SequenceEmpty, SequenceConstruct,
/// SequenceInsert, SequenceAt, SequenceLength, ConcatFromSequence, SplitToSequence).
/// </summary>
internal sealed partial class OnnxGraphImporter
{
    private const int MaxUnrolledIterations = 4096;

    [OnnxOperator("SequenceEmpty")]
    private void SequenceEmpty() => SetOutput(0, OnnxValue.Sequence([], Int32("dtype", OnnxTensors.Float)));

    [OnnxOperator("SequenceConstruct")]
    private void SequenceConstruct()
    {
        var items = Enumerable.Range(0, InputCount).Select(Required).ToList();
        SetOutput(0, OnnxValue.Sequence(items, items.Count > 0 ? items[0].ElementType : OnnxTensors.Float));
    }

    [OnnxOperator("SequenceAt")]
    private void SequenceAt()
    {
        var seq = Sequence(0);
        SetOutput(0, seq[SequenceIndex(1, seq.Count, false)]);
    }

    [OnnxOperator("SequenceLength")]
    private void SequenceLength() => SetOutput(0, ConstValue(Tensor.Scalar(Sequence(0).Count), OnnxTensors.Int64));

    private IReadOnlyList<OnnxValue> Sequence(int i) => Required(i).Items
        ?? throw Error($"input {i} is not a sequence");

    private int SequenceIndex(int input, int count, bool insert)
    {
        long p = Input(input) is null ? count : OnnxTensors.ToLong(ConstInput(input, "position").Item());
        if (p < 0)
            p += count;
        if (p < 0 || p > count || (!insert && p == count))
            throw Error($"position {p} is out of range for a sequence of {count}");
        return (int)p;
    }

    [OnnxOperator("SequenceInsert")]
    private void SequenceInsert()
    {
        var seq = Sequence(0).ToList();
        var value = Required(1);
        seq.Insert(SequenceIndex(2, seq.Count, true), value);
        SetOutput(0, OnnxValue.Sequence(seq, value.ElementType));
    }

    [OnnxOperator("ConcatFromSequence")]
    private void ConcatFromSequence()
    {
        var seq = Sequence(0);
        if (seq.Count == 0)
            throw Error("the sequence is empty");
        int axis = Int32("axis", 0);
        var items = seq;
        if (Int("new_axis", 0) != 0)
        {
            int rank = seq[0].Rank + 1;
            int ax = axis < 0 ? axis + rank : axis;
            items = seq.Select((v, k) => Reshaped(v, [.. v.Shape.ToArray()[..ax], 1, .. v.Shape.ToArray()[ax..]],
                $"unsqueeze{k}")).ToList();
        }
        var attrs = new JsonObject { ["axis"] = axis };
        int a0 = axis < 0 ? axis + items[0].Rank : axis;
        SetOutput(0, Generic("Concat", attrs, items.ToList(), items[0].ElementType,
            batchMajor: a0 != 0 && items.Any(v => v is { IsConstant: false, BatchMajor: true })));
    }

    private OnnxValue Reshaped(OnnxValue v, int[] shape, string suffix)
    {
        bool batch = v.BatchMajor && shape.Length > 0 && v.Rank > 0 && shape[0] == v.Shape[0];
        var attrs = new JsonObject { ["shape"] = OnnxOpArgs.Array(shape), ["batch"] = batch };
        return Generic("Reshape", attrs, [v], v.ElementType, batchMajor: batch, suffix: suffix);
    }

    [OnnxOperator("SplitToSequence")]
    private void SplitToSequence()
    {
        var x = Required(0);
        int axis = Int32("axis", 0);
        int ax = axis < 0 ? axis + x.Rank : axis;
        if (ax < 0 || ax >= x.Rank)
            throw Error($"axis {axis} is out of range for {x.Shape}");
        int dim = x.Shape[ax];
        var split = Input(1) is null ? null : ConstInput(1, "split");
        var sizes = split is null ? Enumerable.Repeat(1, dim).ToArray()
            : split.Rank == 0 ? Enumerable.Range(0, (dim + (int)split.Item() - 1) / (int)split.Item())
                .Select(i => Math.Min((int)split.Item(), dim - i * (int)split.Item())).ToArray()
            : split.ToArray().Select(OnnxTensors.ToInt).ToArray();
        if (sizes.Sum() != dim || sizes.Any(s => s < 0))
            throw Error($"split [{string.Join(", ", sizes)}] does not divide axis {axis} of {x.Shape}");
        bool keep = split is not null || Int("keepdims", 1) != 0;
        var items = new List<OnnxValue>();
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            var attrs = new JsonObject
            {
                ["starts"] = OnnxOpArgs.Array(new[] { (long)start }), ["ends"] = OnnxOpArgs.Array(new[] { (long)start
                    + sizes[i] }),
                ["axes"] = OnnxOpArgs.Array(new[] { ax }), ["steps"] = OnnxOpArgs.Array(new[] { 1L }),
            };
            var part = Generic("Slice", attrs, [x], x.ElementType, batchMajor: x.BatchMajor && ax != 0, suffix: $"{i}");
            if (!keep)
                part = Reshaped(part, part.Shape.ToArray().Where((_, d) => d != ax).ToArray(), $"squeeze{i}");
            items.Add(part);
            start += sizes[i];
        }
        SetOutput(0, OnnxValue.Sequence(items, x.ElementType));
    }

    [OnnxOperator("If")]
    private void If()
    {
        var condition = ConstInput(0, "condition");
        var branch = Attr(condition.AsReadOnlySpan()[0] != 0 ? "then_branch" : "else_branch")?.G
            ?? throw Error("a branch is missing");
        var outputs = RunSubgraph(branch, []);
        for (int i = 0; i < outputs.Count; i++)
            SetOutput(i, outputs[i]);
    }

    /// <summary>Loop with a trip count and condition known at import: the body is imported once per
    /// iteration.</summary>
    [OnnxOperator("Loop")]
    private void Loop()
    {
        var body = Attr("body")?.G ?? throw Error("the loop has no body");
        long trips = Input(0) is null ? long.MaxValue : OnnxTensors.ToLong(ConstInput(0, "trip count").Item());
        bool go = Input(1) is null || ConstInput(1, "condition").AsReadOnlySpan()[0] != 0;
        var carried = Enumerable.Range(2, Math.Max(0, InputCount - 2)).Select(Required).ToList();
        int scans = body.Output.Count - 1 - carried.Count;
        if (scans < 0)
            throw Error($"the body has {body.Output.Count} outputs for {carried.Count} loop-carried values");
        var scanned = Enumerable.Range(0, scans).Select(_ => new List<OnnxValue>()).ToList();
        for (long i = 0; i < trips && go; i++)
        {
            if (i >= MaxUnrolledIterations)
                throw Unsupported($"a loop of more than {MaxUnrolledIterations} iterations");
            var outputs = RunSubgraph(body, [ConstValue(Tensor.Scalar(i), OnnxTensors.Int64),
                ConstValue(Tensor.Scalar(1), OnnxTensors.Bool), .. carried]);
            var cond = outputs[0].Constant ?? throw Unsupported("a loop whose condition depends on the model input");
            go = cond.AsReadOnlySpan()[0] != 0;
            carried = outputs.Skip(1).Take(carried.Count).ToList();
            for (int s = 0; s < scans; s++)
                scanned[s].Add(outputs[1 + carried.Count + s]);
        }
        for (int k = 0; k < carried.Count; k++)
            SetOutput(k, carried[k]);
        for (int s = 0; s < scans; s++)
        {
            if (scanned[s].Count == 0)
                throw Unsupported("a loop with scan outputs that runs no iteration");
            var items = scanned[s].Select((v, k) => Reshaped(v, [1, .. v.Shape.ToArray()], $"scan{s}_{k}")).ToList();
            SetOutput(carried.Count + s, Generic("Concat", new JsonObject { ["axis"] = 0 }, items,
                items[0].ElementType, batchMajor: false));
        }
    }

    /// <summary>Imports a subgraph's nodes in place, its inputs bound to <paramref name="inputs"/>; returns its
    /// outputs.</summary>
    private List<OnnxValue> RunSubgraph(GraphProto graph, IReadOnlyList<OnnxValue> inputs)
    {
        var outer = _node;
        try
        {
            for (int i = 0; i < graph.Input.Count && i < inputs.Count; i++)
                _values[graph.Input[i].Name] = inputs[i];
            foreach (var init in graph.Initializer)
                _values[init.Name] = OnnxValue.Const(OnnxTensors.Read(init, _folder, $"ONNX '{_where}'"),
                    init.DataType, true);
            foreach (var n in graph.Node)
                _consumed.UnionWith(n.Input);
            foreach (var o in graph.Output)
                _consumed.Add(o.Name);
            foreach (var node in graph.Node)
            {
                _node = node;
                ImportNode();
            }
            return graph.Output.Select(o => _values.TryGetValue(o.Name, out var v) ? v
                : throw Error($"subgraph output '{o.Name}' is produced by no node")).ToList();
        }
        finally
        {
            _node = outer;
        }
    }
}
