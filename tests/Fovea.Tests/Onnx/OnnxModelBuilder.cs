using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Google.Protobuf;

namespace Fovea.Tests.Onnx;

/// <summary>Writes small ONNX models for tests (node by node, initializers from seeded random values).</summary>
internal sealed class OnnxModelBuilder(int opset = 13)
{
    private readonly GraphProto _graph = new() { Name = "test_graph" };
    private readonly Rng _rng = new(5);

    public OnnxModelBuilder Input(string name, params long[] dims)
    {
        _graph.Input.Add(ValueInfo(name, dims));
        return this;
    }

    public OnnxModelBuilder Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        return this;
    }

    /// <summary>A float initializer with random values of scale <paramref name="scale"/> (or the given
    /// values).</summary>
    public OnnxModelBuilder Initializer(string name, long[] dims, float scale = 0.3f, float[]? values = null,
        int type = OnnxTensors.Float)
    {
        var t = new TensorProto { Name = name, DataType = type };
        t.Dims.Add(dims);
        long n = dims.Aggregate(1L, (p, d) => p * d);
        for (long i = 0; i < n; i++)
        {
            float v = values?[i] ?? (float)_rng.NextNormal() * scale;
            if (type == OnnxTensors.Int64)
                t.Int64Data.Add((long)v);
            else
                t.FloatData.Add(v);
        }
        _graph.Initializer.Add(t);
        return this;
    }

    public OnnxModelBuilder Node(string op, string[] inputs, string[] outputs, string? name = null,
        params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name ?? outputs[0] };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        foreach (var (key, value) in attributes)
        {
            var a = new AttributeProto { Name = key };
            switch (value)
            {
                case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
                case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
                case string s:
                    a.Type = AttributeProto.Types.AttributeType.String;
                    a.S = ByteString.CopyFromUtf8(s);
                    break;
                case long[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.Add(ints); break;
                default: throw new ArgumentException($"attribute type {value.GetType()}");
            }
            node.Attribute.Add(a);
        }
        _graph.Node.Add(node);
        return this;
    }

    public GraphProto Graph => _graph;

    public ModelProto Build()
    {
        var m = new ModelProto { IrVersion = 7, Graph = _graph, ProducerName = "fovea-tests" };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return m;
    }

    public byte[] Bytes() => Build().ToByteArray();

    private static ValueInfoProto ValueInfo(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
            shape.Dim.Add(d > 0
                ? new TensorShapeProto.Types.Dimension { DimValue = d }
                : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        };
    }

    /// <summary>
    /// A tiny backbone for transfer-learning tests: Conv(3→8, 3×3, pad 1) "c1" → BatchNormalization "bn1" → Relu
    /// "r1" at 16×16, then Conv(8→8, 3×3, stride 2, pad 1) "c2" → "bn2" → "r2" at 8×8, then GlobalAveragePool "gap"
    /// → output "features" [N, 8, 1, 1]; input "image" [N, 3, 16, 16] with a symbolic batch.
    /// </summary>
    public static OnnxModelBuilder TinyBackbone() => new OnnxModelBuilder()
        .Input("image", -1, 3, 16, 16)
        .Initializer("c1.w", [8, 3, 3, 3], 0.27f).Initializer("c2.w", [8, 8, 3, 3], 0.17f)   // He: √(2 / fan-in)
        .Initializer("bn1.g", [8], values: [1f, 0.9f, 1.1f, 1.2f, 0.8f, 1f, 1.05f, 0.95f])
        .Initializer("bn1.b", [8], 0.1f)
        .Initializer("bn1.m", [8], 0.1f).Initializer("bn1.v", [8], values: [1f, 0.5f, 2f, 1.5f, 1f, 0.7f, 1.2f, 0.9f])
        .Initializer("bn2.g", [8], values: [1f, 1.1f, 0.9f, 1f, 1.2f, 0.8f, 1f, 1f]).Initializer("bn2.b", [8], 0.1f)
        .Initializer("bn2.m", [8], 0.1f).Initializer("bn2.v", [8], values: [0.6f, 1f, 1.4f, 1f, 0.9f, 1.1f, 2f, 1f])
        .Node("Conv", ["image", "c1.w"], ["c1.y"], "c1", ("pads", new long[] { 1, 1, 1, 1 }))
        .Node("BatchNormalization", ["c1.y", "bn1.g", "bn1.b", "bn1.m", "bn1.v"], ["bn1.y"], "bn1")
        .Node("Relu", ["bn1.y"], ["r1.y"], "r1")
        .Node("Conv", ["r1.y", "c2.w"], ["c2.y"], "c2", ("pads", new long[] { 1, 1, 1, 1 }),
            ("strides", new long[] { 2, 2 }))
        .Node("BatchNormalization", ["c2.y", "bn2.g", "bn2.b", "bn2.m", "bn2.v"], ["bn2.y"], "bn2")
        .Node("Relu", ["bn2.y"], ["r2.y"], "r2")
        .Node("GlobalAveragePool", ["r2.y"], ["features"], "gap")
        .Output("features");

    /// <summary>
    /// A small CNN as PyTorch exports it: Conv(3×3, pad 1) → BatchNormalization → Relu → MaxPool(2) → Flatten →
    /// Gemm(transB) → output logits; input "image" [N, 2, 8, 8] with a symbolic batch, 3 classes.
    /// </summary>
    public static OnnxModelBuilder SmallCnn() => new OnnxModelBuilder()
        .Input("image", -1, 2, 8, 8)
        .Initializer("conv.weight", [4, 2, 3, 3]).Initializer("conv.bias", [4], 0.1f)
        .Initializer("bn.weight", [4], values: [1f, 0.9f, 1.1f, 1.2f]).Initializer("bn.bias", [4], 0.1f)
        .Initializer("bn.running_mean", [4], 0.1f).Initializer("bn.running_var", [4], values: [1f, 0.5f, 2f, 1.5f])
        .Initializer("fc.weight", [3, 64]).Initializer("fc.bias", [3], 0.1f)
        .Node("Conv", ["image", "conv.weight", "conv.bias"], ["c"], "conv", ("pads", new long[] { 1, 1, 1, 1 }),
            ("kernel_shape", new long[] { 3, 3 }))
        .Node("BatchNormalization", ["c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"], ["b"], "bn",
            ("epsilon", 1e-5f), ("momentum", 0.9f))
        .Node("Relu", ["b"], ["r"], "relu")
        .Node("MaxPool", ["r"], ["p"], "pool", ("kernel_shape", new long[] { 2, 2 }), ("strides", new long[] { 2, 2 }))
        .Node("Flatten", ["p"], ["f"], "flatten", ("axis", 1))
        .Node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"], "fc", ("transB", 1))
        .Output("logits");
}
