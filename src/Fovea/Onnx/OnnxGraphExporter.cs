using System.Buffers.Binary;
using System.Globalization;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Google.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// Builds the ONNX graph of one model (see <see cref="OnnxExporter"/>): walks the layers in execution order, emits
/// nodes and initializers with unique names, and names the graph's inputs and outputs. Each value carries the shape
/// it had for the model's example input (axis 0 is some batch) and whether its axis 0 is the batch.
/// </summary>
internal sealed partial class OnnxGraphExporter
{
    private const long IrVersion = 8;

    private readonly Model _model;
    private readonly OnnxExportOptions _options;
    private readonly GraphProto _graph = new();
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<Parameter, string> _weightNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Parameter, Dictionary<string, string>> _weights =
        new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _batchSizes = new(StringComparer.Ordinal);
    private Layer? _layer;
    private string _nodeBase = "";

    public OnnxGraphExporter(Model model, OnnxExportOptions options)
    {
        _model = model;
        _options = options;
    }

    /// <summary>A tensor of the graph: its name, its shape for the example input, whether axis 0 is the
    /// batch.</summary>
    private sealed record Value(string Name, Shape Shape, bool BatchMajor)
    {
        public int Rank => Shape.Rank;
    }

    public ModelProto Export()
    {
        if (!_model.Built)
            throw new FoveaException($"ONNX export: model '{_model.Name}' is not built; call Build(sampleShape) or " +
                "Fit before exporting");
        var samples = SampleShapes(_model);
        var inputNames = Names(_options.InputNames, samples.Length, DefaultInputNames(), "InputNames");
        int outputCount = _model.Graph?.Outputs.Length ?? 1;
        var outputNames = Names(_options.OutputNames, outputCount, DefaultOutputNames(outputCount), "OutputNames");
        foreach (string name in inputNames.Concat(outputNames))
        {
            if (!_valueNames.Add(name))
                throw new FoveaException($"ONNX export: the graph input and output names must differ; '{name}' is " +
                    "given twice");
        }
        foreach (var (name, weight) in _model.NamedWeights())
            _weightNames[weight] = name;
        var inputs = new Value[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            // Axis 0 is the batch for the first input, and for the others whose axis 0 has the first one's size (the
            // importer's rule; Fovea's own models have batch 1 in every example).
            bool batch = i == 0 || samples[i].Rank > 0 && samples[i][0] == samples[0][0];
            inputs[i] = new Value(inputNames[i], samples[i], batch);
            _graph.Input.Add(ValueInfo(inputNames[i], inputs[i], input: true));
        }
        var outputs = ExportModel(_model, inputs, "");
        NameOutputs(outputs, outputNames);
        _graph.Name = _options.GraphName ?? _model.Name ?? "fovea_model";
        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = OnnxExporter.ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "",
            Graph = _graph,
            DocString = $"Fovea model '{_model.Name}' ({_model.TypeName}), exported in inference mode",
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.Opset });
        return proto;
    }

    /// <summary>The example shape of each input, axis 0 included (a batch of 1 for Fovea's own models; the
    /// imported file's shapes for imported ones).</summary>
    private static Shape[] SampleShapes(Model model)
    {
        if (model.Graph is { } graph)
            return graph.Inputs.Select(i => i.Example.Shape).ToArray();
        if (model is Sequential)
            return [(model.SampleShape ?? throw new FoveaException(
                $"ONNX export: model '{model.Name}' has no input shape; call Build(sampleShape) first")).WithBatch(1)];
        throw new FoveaException($"ONNX export: model '{model.Name}' ({model.GetType().Name}) is neither Sequential " +
            "nor functional; only those are exported");
    }

    private IReadOnlyList<string> DefaultInputNames()
    {
        var names = new List<string>();
        foreach (var input in _model.Graph?.Inputs ?? [])
            names.Add(UniqueAmong(names, input.Name ?? "input"));
        return names.Count > 0 ? names : ["input"];
    }

    private IReadOnlyList<string> DefaultOutputNames(int count)
    {
        if (count == 1)
            return ["output"];
        var names = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string? layer = _model.Graph!.Outputs[i].Layer?.Name;
            names.Add(UniqueAmong(names, layer ?? $"output_{i}"));
        }
        return names;
    }

    private static string UniqueAmong(List<string> taken, string name)
    {
        string candidate = name;
        for (int k = 1; taken.Contains(candidate); k++)
            candidate = $"{name}_{k}";
        return candidate;
    }

    private static string[] Names(IReadOnlyList<string>? given, int count, IReadOnlyList<string> fallback,
        string option)
    {
        if (given is null)
            return fallback.ToArray();
        if (given.Count != count || given.Any(string.IsNullOrWhiteSpace))
            throw new FoveaException($"ONNX export: OnnxExportOptions.{option} has {given.Count} names, expected " +
                $"{count} non-empty names");
        return given.ToArray();
    }

    /// <summary>Exports the layer calls of <paramref name="model"/> on <paramref name="inputs"/>; returns its
    /// outputs. <paramref name="prefix"/> starts the names of nested models' nodes.</summary>
    private Value[] ExportModel(Model model, Value[] inputs, string prefix)
    {
        if (model is Sequential sequential)
        {
            if (sequential.Layers.Count == 0)
                throw new FoveaException($"ONNX export: model '{model.Name}' has no layers");
            var x = inputs[0];
            foreach (var layer in sequential.Layers)
                x = ExportLayer(layer, [x], prefix, inputs[0], null);
            return [x];
        }
        var graph = model.Graph ?? throw new FoveaException($"ONNX export: model '{model.Name}' " +
            $"({model.GetType().Name}) is neither Sequential nor functional; only those are exported");
        var values = new Dictionary<SymbolicTensor, Value>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < graph.Inputs.Length; i++)
            values[graph.Inputs[i]] = inputs[i];
        foreach (var node in graph.Nodes)
        {
            var ins = node.Inputs.Select(t => values[t]).ToArray();
            values[node.Output] = ExportLayer(node.Layer, ins, prefix, inputs[0], node);
        }
        return graph.Outputs.Select(o => values[o]).ToArray();
    }

    /// <summary>Gives the graph outputs their names: the producing node's output is renamed (an Identity node when the
    /// value is a graph input, an initializer or already an output).</summary>
    private void NameOutputs(Value[] outputs, string[] names)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        var inputNames = _graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        _layer = null;
        for (int i = 0; i < outputs.Length; i++)
        {
            string source = outputs[i].Name;
            if (!renamed.ContainsKey(source) && !inputNames.Contains(source) && _producers.TryGetValue(source,
                out var producer))
            {
                Rename(producer, source, names[i]);
                renamed[source] = names[i];
            }
            else
            {
                var node = new NodeProto { OpType = "Identity", Name = UniqueNode(names[i]) };
                node.Input.Add(renamed.GetValueOrDefault(source, source));
                node.Output.Add(names[i]);
                _graph.Node.Add(node);
            }
            _graph.Output.Add(ValueInfo(names[i], outputs[i]));
        }
    }

    private void Rename(NodeProto producer, string from, string to)
    {
        for (int k = 0; k < producer.Output.Count; k++)
        {
            if (producer.Output[k] == from)
                producer.Output[k] = to;
        }
        foreach (var node in _graph.Node)
        {
            for (int k = 0; k < node.Input.Count; k++)
            {
                if (node.Input[k] == from)
                    node.Input[k] = to;
            }
        }
    }

    /// <summary>
    /// A float tensor's declaration: axis 0 symbolic when it is the batch, the other axes as in the example; an
    /// output whose axis 0 is not known to be the batch gets unknown dimensions (its shape may depend on the batch).
    /// </summary>
    private ValueInfoProto ValueInfo(string name, Value v, bool input = false)
    {
        var shape = new TensorShapeProto();
        for (int d = 0; d < v.Rank; d++)
        {
            shape.Dim.Add(d == 0 && v.BatchMajor
                ? new TensorShapeProto.Types.Dimension { DimParam = _options.BatchDimension }
                : v.BatchMajor || input
                    ? new TensorShapeProto.Types.Dimension { DimValue = v.Shape[d] }
                    : new TensorShapeProto.Types.Dimension());
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxTensors.Float,
                Shape = shape } },
        };
    }

    // ---- names, nodes and initializers ----

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
    private string Node(string op, IEnumerable<string> inputs, string? suffix = null,
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

    private static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Attr(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    private static AttributeProto Attr(string name, IEnumerable<int> values) =>
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
    private string FloatConstant(float[] values, int[]? dims = null, string role = "const")
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
    private string Int64Constant(long[] values, int[]? dims = null, string role = "const")
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
    /// The initializer of a weight, named as in <see cref="Model.NamedWeights"/>; <paramref name="shape"/> gives a
    /// reshaped copy (same values) and <paramref name="transposed"/> the transpose of a matrix.
    /// </summary>
    private string Weight(Parameter p, Shape? shape = null, bool transposed = false)
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

    private FoveaException Unsupported(string reason, string? op = null)
    {
        string where = _layer is null ? "" : $"{_layer.Describe()}{(op is null ? "" : $" (op '{op}')")}: ";
        return new FoveaException($"ONNX export of model '{_model.Name}': {where}{reason}");
    }
}
