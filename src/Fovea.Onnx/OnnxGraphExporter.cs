using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

using Value = Fovea.Onnx.OnnxExportTensor;

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

    public ModelProto Export()
    {
        if (!_model.Built)
            throw new FoveaException($"ONNX export: model '{_model.Name}' is not built; call Build(sampleShape) or " +
                "Fit before exporting");
        if (string.IsNullOrWhiteSpace(_options.BatchDimension))
            throw new FoveaException("ONNX export: OnnxExportOptions.BatchDimension must name the batch axis, " +
                $"received '{_options.BatchDimension}'");
        var samples = SampleShapes(_model);
        var inputNames = Names(_options.InputNames, samples.Length, DefaultInputNames(), "InputNames");
        int outputCount = Math.Max(1, _model.Outputs.Count);
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
            bool batch = i == 0 || (samples[i].Rank > 0 && samples[i][0] == samples[0][0]);
            inputs[i] = new Value(inputNames[i], samples[i], batch);
            _graph.Input.Add(ValueInfo(inputNames[i], inputs[i]));
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
        if (model.Inputs.Count > 0)
            return model.Inputs.Select(i => i.Example.Shape).ToArray();
        if (model is Sequential)
            return [(model.SampleShape ?? throw new FoveaException(
                $"ONNX export: model '{model.Name}' has no input shape; call Build(sampleShape) first")).WithBatch(1)];
        throw new FoveaException($"ONNX export: model '{model.Name}' ({model.GetType().Name}) is neither Sequential " +
            "nor functional; only those are exported");
    }

    private IReadOnlyList<string> DefaultInputNames()
    {
        var names = new List<string>();
        foreach (var input in _model.Inputs)
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
            string? layer = _model.Outputs[i].Layer?.Name;
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
    internal Value[] ExportModel(Model model, Value[] inputs, string prefix)
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
        if (model.Inputs.Count == 0)
            throw new FoveaException($"ONNX export: model '{model.Name}' ({model.GetType().Name}) is neither " +
                "Sequential nor functional; only those are exported");
        var values = new Dictionary<SymbolicTensor, Value>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < model.Inputs.Count; i++)
            values[model.Inputs[i]] = inputs[i];
        foreach (var node in model.Nodes)
        {
            var ins = node.Inputs.Select(t => values[t]).ToArray();
            values[node.Output] = ExportLayer(node.Layer, ins, prefix, inputs[0], node);
        }
        return model.Outputs.Select(o => values[o]).ToArray();
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
    /// A float tensor's declaration: axis 0 symbolic when it is the batch, the other axes as in the example when
    /// they do not change with the batch, unknown otherwise (outputs of imported ops whose shapes follow the batch
    /// through arithmetic, or that move the batch to another axis).
    /// </summary>
    private ValueInfoProto ValueInfo(string name, Value v)
    {
        var shape = new TensorShapeProto();
        for (int d = 0; d < v.Rank; d++)
        {
            shape.Dim.Add(d == 0 && v.BatchMajor
                ? new TensorShapeProto.Types.Dimension { DimParam = _options.BatchDimension }
                : v.Fixed
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
}
