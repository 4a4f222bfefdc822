using System.Text.Json.Nodes;
using Fovea.Layers;
using Fovea.Onnx.Ops;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// One ONNX node that has no dedicated Fovea layer (Reshape, Transpose, Resize, LayerNormalization, MatMul of two
/// activations, ...), as a layer of a functional model: a canonical op name and attributes (opset differences
/// resolved at import), its constant inputs held as weights (trainable when they were ONNX initializers, so the
/// model fine-tunes with Fit), and its dynamic inputs in order. The math runs through
/// <see cref="Autograd.Functional"/>, so gradients flow. <see cref="ImportBatch"/> is the batch the ONNX graph was
/// written for; shapes in the attributes marked as batch-carrying follow the batch of the running input.
/// </summary>
[RegisterLayer]
public sealed class OnnxOp : MergeLayer
{
    private readonly OnnxOpArgs _args;
    private readonly (int Dynamic, int Weight)[] _inputs;
    private readonly List<Parameter> _constants = [];

    /// <summary>
    /// Creates the layer. <paramref name="inputs"/> lists, per ONNX input, either a dynamic input ("d0", "d1", ...: the
    /// layer's call arguments in order), a constant ("c0", "c1", ...: <paramref name="constants"/> in order), or "" for
    /// an absent optional input.
    /// </summary>
    internal OnnxOp(string op, JsonObject attributes, IReadOnlyList<string> inputs,
        IReadOnlyList<(string Name, Tensor Value, bool Trainable)> constants, int importBatch, string? name)
        : base(name)
    {
        Op = op;
        _args = new OnnxOpArgs(attributes);
        ImportBatch = importBatch;
        InputSpec = inputs.ToArray();
        _inputs = InputSpec.Select(Parse).ToArray();
        foreach (var (cname, value, trainable) in constants)
        {
            var p = AddWeight(cname, value.Shape, Initializers.Zeros, trainable);
            p.Assign(value.AsReadOnlySpan());
            _constants.Add(p);
        }
        if (_inputs.Any(i => i.Weight >= _constants.Count))
            throw new FoveaException($"{Describe()}: an input refers to a missing constant");
    }

    /// <summary>The canonical op name (an ONNX op name, e.g. "Reshape", "Unary", "Conv").</summary>
    public string Op { get; }

    /// <summary>The canonical attributes.</summary>
    public JsonObject Attributes => _args.Json;

    /// <summary>Per input: "dK" (dynamic input K), "cK" (constant K) or "" (absent).</summary>
    public IReadOnlyList<string> InputSpec { get; }

    /// <summary>The batch size the ONNX graph was written for.</summary>
    public int ImportBatch { get; }

    public override string TypeName => nameof(OnnxOp);

    private static (int Dynamic, int Weight) Parse(string spec) => spec switch
    {
        "" => (-1, -1),
        ['d', .. var k] => (int.Parse(k, System.Globalization.CultureInfo.InvariantCulture), -1),
        ['c', .. var k] => (-1, int.Parse(k, System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new FoveaException($"OnnxOp: invalid input reference '{spec}'"),
    };

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs)
    {
        var args = new Tensor?[_inputs.Length];
        for (int i = 0; i < _inputs.Length; i++)
        {
            var (d, w) = _inputs[i];
            if (d >= inputs.Count)
                throw new FoveaException($"{Describe()}: expected {d + 1} or more inputs, received {inputs.Count}");
            args[i] = d >= 0 ? inputs[d] : w >= 0 ? _constants[w] : null;
        }
        int batch = _args.Int("batchInput", -1) is int b && b >= 0 && b < inputs.Count && inputs[b].Rank > 0
            ? inputs[b].Shape[0] : ImportBatch;
        try
        {
            return OnnxOpTable.Run(Op, ArgsFor(inputs[0]), args, batch, ImportBatch);
        }
        catch (ArgumentException e)
        {
            string hint = batch != ImportBatch
                ? $" (the ONNX graph was written for batch {ImportBatch} and this op cannot follow batch {batch})"
                : $" (the ONNX graph was written for batch {ImportBatch}; ops that fold the batch into another axis " +
                  "cannot follow another batch)";
            throw new FoveaException($"{Describe()} ({Op}): {e.Message}{hint}", e);
        }
    }

    private (long T, OnnxOpArgs Args) _cached;

    /// <summary>The attributes for the batch of <paramref name="first"/>, whose size is affine in the batch.</summary>
    private OnnxOpArgs ArgsFor(Tensor first)
    {
        if (_args.Json["lengths"] is not JsonArray { Count: 2 } lengths)
            return _args;
        long l0 = (long)OnnxOpArgs.Number(lengths[0]!), l1 = (long)OnnxOpArgs.Number(lengths[1]!);
        long delta = l1 - l0;
        long t = delta == 0 ? 0 : (first.Length - l0) / delta;
        if (delta != 0 && (first.Length - l0) % delta != 0)
            throw new FoveaException(
                $"{Describe()} ({Op}): input {first.Shape} does not correspond to any batch size of this graph " +
                $"(its size is {l0} + {delta}·(batch − {ImportBatch}))");
        if (_cached.Args is null || _cached.T != t)
            _cached = (t, _args.AtBatchDelta(t));
        return _cached.Args;
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["op"] = Op;
        c["attributes"] = Attributes.DeepClone();
        c["inputs"] = OnnxOpArgs.Array(InputSpec);
        c["import_batch"] = ImportBatch;
        var weights = new JsonArray();
        foreach (var p in _constants)
            weights.Add(new JsonObject { ["name"] = p.Name, ["shape"] = OnnxOpArgs.Array(p.Shape),
                ["trainable"] = p.Trainable });
        c["constants"] = weights;
        return c;
    }

    /// <summary>Rebuilds the layer from <see cref="GetConfig"/>; constants start at zero until weights are
    /// loaded.</summary>
    public static OnnxOp FromConfig(JsonObject c)
    {
        var constants = (c["constants"] as JsonArray ?? []).Select(n => (
            n!["name"]!.GetValue<string>(),
            Tensor.Zeros(new Shape(n["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray())),
            n["trainable"]?.GetValue<bool>() ?? true)).ToList();
        var inputs = (c["inputs"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToList();
        return LayerConfig.Common(new OnnxOp(c["op"]!.GetValue<string>(),
            c["attributes"]!.AsObject().DeepClone().AsObject(),
            inputs, constants, LayerConfig.Read(c, "import_batch", 1), LayerConfig.Name(c)), c);
    }
}
