using System.Buffers.Binary;
using System.Globalization;
using Fovea.Models;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Google.Protobuf;

using Value = Fovea.Onnx.OnnxExportTensor;

namespace Fovea.Onnx;

/// <summary>
/// Writing the graph: unique value and node names, nodes with their attributes, float32 and int64 initializers
/// (small constants shared by content, weights once per parameter and layout).
/// </summary>
internal sealed partial class OnnxGraphExporter
{
    private string UniqueValue(string name)
    {
        string candidate = name;
        for (int k = 1; !_valueNames.Add(candidate); k++)
            candidate = $"{name}_{k}";
        return candidate;
    }

    private string UniqueNode(string name)
    {
        string candidate = name;
        for (int k = 1; !_nodeNames.Add(candidate); k++)
            candidate = $"{name}_{k}";
        return candidate;
    }

    /// <summary>
    /// Appends a node of <paramref name="op"/> with one output and returns the output's name. The node is named after
    /// the current layer, plus "/<paramref name="suffix"/>" for the helper nodes of a layer that needs several.
    /// </summary>
    internal string Node(string op, IEnumerable<string> inputs, string? suffix = null,
        params AttributeProto[] attributes)
    {
        string baseName = suffix is null ? _nodeBase : $"{_nodeBase}/{suffix}";
        string output = UniqueValue(baseName);
        var node = new NodeProto { OpType = op, Name = UniqueNode(baseName) };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        _graph.Node.Add(node);
        _producers[output] = node;
        return output;
    }

    internal static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    internal static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    internal static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    internal static AttributeProto Attr(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    internal static AttributeProto Attr(string name, IEnumerable<int> values) =>
        Attr(name, values.Select(v => (long)v));

    /// <summary>A float32 initializer (raw little-endian data).</summary>
    private string FloatInitializer(string name, Shape shape, ReadOnlySpan<float> values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        var t = new TensorProto { Name = UniqueValue(name), DataType = OnnxTensors.Float,
            RawData = UnsafeByteOperations.UnsafeWrap(bytes) };
        t.Dims.Add(shape.Select(d => (long)d));
        _graph.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A small float constant, shared by every node that uses the same values.</summary>
    internal string FloatConstant(float[] values, int[]? dims = null, string role = "const")
    {
        dims ??= [values.Length];
        string key = "f" + string.Join(",", dims) + ":" + string.Join(",", values.Select(v =>
            BitConverter.SingleToInt32Bits(v).ToString(CultureInfo.InvariantCulture)));
        if (!_constants.TryGetValue(key, out var name))
            _constants[key] = name = FloatInitializer($"{_nodeBase}/{role}", new Shape(dims), values);
        return name;
    }

    private string FloatScalar(float value, string role = "const") => FloatConstant([value], [], role);

    /// <summary>An int64 constant (shapes, axes, indices), shared by every node that uses the same values.</summary>
    internal string Int64Constant(long[] values, int[]? dims = null, string role = "const")
    {
        dims ??= [values.Length];
        string key = "i" + string.Join(",", dims) + ":" + string.Join(",", values);
        if (_constants.TryGetValue(key, out var name))
            return name;
        var t = new TensorProto { Name = UniqueValue($"{_nodeBase}/{role}"), DataType = OnnxTensors.Int64 };
        t.Dims.Add(dims.Select(d => (long)d));
        t.Int64Data.Add(values);
        _graph.Initializer.Add(t);
        _constants[key] = t.Name;
        return t.Name;
    }

    private string Int64Constant(IEnumerable<int> values, string role = "const") =>
        Int64Constant(values.Select(v => (long)v).ToArray(), role: role);

    /// <summary>
    /// The initializer of a weight, named as in <see cref="Layers.Layer.NamedWeights"/>; <paramref name="shape"/> gives a
    /// reshaped copy (same values) and <paramref name="transposed"/> the transpose of a matrix.
    /// </summary>
    internal string Weight(Parameter p, Shape? shape = null, bool transposed = false)
    {
        string variant = (shape?.ToString() ?? "") + (transposed ? "T" : "");
        if (!_weights.TryGetValue(p, out var variants))
            _weights[p] = variants = new Dictionary<string, string>(StringComparer.Ordinal);
        if (variants.TryGetValue(variant, out var name))
            return name;
        string baseName = _weightNames.GetValueOrDefault(p) ?? $"{_nodeBase}.{p.Name}";
        if (transposed)
        {
            int r = p.Shape[0], c = p.Shape[1];
            var src = p.AsReadOnlySpan();
            var t = new float[r * c];
            for (int i = 0; i < r; i++)
            {
                for (int j = 0; j < c; j++)
                    t[j * r + i] = src[i * c + j];
            }
            name = FloatInitializer(baseName + "_transposed", new Shape(c, r), t);
        }
        else
        {
            name = FloatInitializer(variant.Length == 0 ? baseName : baseName + "_reshaped", shape ?? p.Shape,
                p.AsReadOnlySpan());
        }
        variants[variant] = name;
        return name;
    }

    /// <summary>The running batch size of <paramref name="v"/> (its axis 0) as an int64 tensor [1].</summary>
    private string BatchSize(Value v)
    {
        if (!_batchSizes.TryGetValue(v.Name, out var name))
            _batchSizes[v.Name] = name = Node("Shape", [v.Name], "batch_size", Attr("start", 0L), Attr("end", 1L));
        return name;
    }

    internal FoveaException Unsupported(string reason, string? op = null)
    {
        string where = _layer is null ? "" : $"{_layer.Describe()}{(op is null ? "" : $" (op '{op}')")}: ";
        return new FoveaException($"ONNX export of model '{_model.Name}': {where}{reason}");
    }
}
