using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Onnx.Ops;
using Fovea.Models;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// Walks one ONNX graph in node order and builds the Fovea functional model: each node becomes a Fovea layer
/// (Conv2D, Dense, BatchNormalization, activations, Dropout) or an <see cref="OnnxOp"/>, and every node whose
/// inputs are all known at import time (shape arithmetic, weight transposes, ConstantOfShape) is folded into a
/// constant. The graph input's static dims fix the import batch (symbolic dims take
/// <see cref="OnnxImportOptions.BatchSize"/>); values whose axis 0 is that batch are tracked so reshapes and
/// similar ops follow the running batch (see DESIGN in <see cref="OnnxImporter"/>).
/// </summary>
internal sealed partial class OnnxGraphImporter
{
    private readonly ModelProto _model;
    private readonly string _where;
    private readonly string? _folder;
    private readonly OnnxImportOptions _options;
    private readonly Dictionary<string, OnnxValue> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _layerNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _consumed = new(StringComparer.Ordinal);
    private NodeProto _node = new();
    private int _nodeIndex;
    private int _batch = 1;

    /// <summary>
    /// Prepares an import. A <paramref name="shadow"/> import (see <see cref="OnnxBatchSlopes"/>) runs the graph for
    /// <paramref name="shadow"/>'s batch only to learn how folded shapes change with the batch: large float
    /// initializers are read as zeros.
    /// </summary>
    public OnnxGraphImporter(ModelProto model, string where, string? folder, OnnxImportOptions options, int? shadow = null)
    {
        _model = model;
        _where = where;
        _folder = folder;
        _options = options;
        _shadowBatch = shadow;
    }

    private readonly int? _shadowBatch;

    /// <summary>The batch the graph was imported for (axis 0 of the first input).</summary>
    public int ImportBatch => _batch;

    /// <summary>Whether axis 0 of the first input is symbolic (or set by the caller), i.e. the batch is free.</summary>
    public bool SymbolicBatch { get; private set; }

    /// <summary>The ai.onnx opset the model imports.</summary>
    public int Opset { get; private set; }

    public Model Import()
    {
        var graph = _model.Graph ?? throw Error("the file holds no graph (is it an ONNX model?)");
        Opset = ReadOpset();
        foreach (var node in graph.Node)
            _consumed.UnionWith(node.Input);
        var outputNames = OutputNames(graph);
        _consumed.UnionWith(outputNames);
        var needed = _options.Outputs is { Count: > 0 } ? NeededNodes(graph, outputNames) : null;
        foreach (var init in graph.Initializer)
        {
            if (string.IsNullOrEmpty(init.Name))
                throw Error("an initializer has no name");
            var value = _shadowBatch is not null && init.DataType == OnnxTensors.Float && init.Dims.Count > 1
                ? Tensor.Zeros(OnnxTensors.ShapeOf(init, _where))
                : OnnxTensors.Read(init, _folder, $"ONNX '{_where}'");
            _values[init.Name] = OnnxValue.Const(value, init.DataType, fromInitializer: true);
        }
        var inputs = CreateInputs(graph);
        foreach (var node in graph.Node)
        {
            _node = node;
            if (needed is not null && !needed.Contains(node))
            {
                _nodeIndex++;
                continue; // not on the way to a requested output
            }
            try
            {
                ImportNode();
            }
            catch (Exception e) when (e is not FoveaException)
            {
                // A corrupt file can break an assumption deep inside an op; report it as a bad model, naming the node.
                throw Error($"{e.GetType().Name}: {e.Message}", e);
            }
            _nodeIndex++;
        }
        var outputs = new List<SymbolicTensor>();
        foreach (string output in outputNames)
        {
            if (!_values.TryGetValue(output, out var v))
                throw Error($"graph output '{output}' is produced by no node");
            if (v.Symbol is null)
                throw Error($"graph output '{output}' does not depend on the inputs (a constant); Fovea models " +
                    $"need outputs computed from their inputs");
            outputs.Add(v.Symbol);
        }
        if (outputs.Count == 0)
            throw Error("the graph has no outputs");
        string name = _options.Name
            ?? (string.IsNullOrWhiteSpace(graph.Name) ? Path.GetFileNameWithoutExtension(_where) : graph.Name);
        try
        {
            return new Model(inputs, outputs, Sanitize(name));
        }
        catch (FoveaException e)
        {
            throw Error(e.Message, e);
        }
    }

    private int ReadOpset()
    {
        int? opset = null;
        foreach (var o in _model.OpsetImport)
        {
            if (o.Domain is "" or "ai.onnx")
                opset = (int)Math.Clamp(o.Version, int.MinValue, int.MaxValue);
        }
        if (opset is null)
            throw Error("the model imports no ai.onnx opset");
        if (opset < OnnxImporter.MinOpset || opset > OnnxImporter.MaxOpset)
            throw Error($"opset {opset} is not supported; Fovea imports opsets {OnnxImporter.MinOpset} to " +
                $"{OnnxImporter.MaxOpset}");
        return opset.Value;
    }

    private List<SymbolicTensor> CreateInputs(GraphProto graph)
    {
        var inputs = new List<SymbolicTensor>();
        foreach (var input in graph.Input)
        {
            if (_values.ContainsKey(input.Name))
                continue; // an initializer also listed as an input (IR < 4): a constant
            var tensorType = input.Type?.TensorType
                ?? throw Error($"input '{input.Name}' is not a tensor; only tensor inputs are supported");
            int type = tensorType.ElemType;
            if (!OnnxTensors.IsFloat(type) && !OnnxTensors.IsInteger(type) && type != OnnxTensors.Bool)
                throw Error($"input '{input.Name}' has element type {OnnxTensors.TypeName(type)}, which Fovea cannot " +
                    $"feed");
            var dims = InputDims(input, tensorType.Shape, inputs.Count == 0);
            if (dims.Length == 0)
                throw Error($"input '{input.Name}' is a scalar; Fovea models take inputs with a batch axis");
            var symbol = new SymbolicTensor(Tensor.AllocateOwned(new Shape(dims)), null, input.Name);
            inputs.Add(symbol);
            _values[input.Name] = OnnxValue.Dynamic(symbol, type, batchMajor: dims[0] == _batch);
        }
        if (inputs.Count == 0)
            throw Error("the graph has no inputs besides its initializers");
        return inputs;
    }

    private int[] InputDims(ValueInfoProto input, TensorShapeProto? shape, bool first)
    {
        if (_options.InputShapes is { } given && given.TryGetValue(input.Name, out var fixedDims))
        {
            var result = fixedDims.ToArray();
            if (first && _shadowBatch is int fixedShadow && result.Length > 0)
                result[0] = fixedShadow;
            if (first)
            {
                _batch = result.Length > 0 ? result[0] : 1;
                SymbolicBatch = true;
            }
            return result;
        }
        if (shape is null)
            throw Error($"input '{input.Name}' has no shape; give it in OnnxImportOptions.InputShapes");
        var dims = new int[shape.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            var d = shape.Dim[i];
            if (d.HasDimValue && d.DimValue > 0 && d.DimValue <= int.MaxValue)
            {
                dims[i] = (int)d.DimValue;
            }
            else if (i == 0)
            {
                dims[i] = first ? _options.BatchSize : _batch;
                SymbolicBatch |= first;
            }
            else
            {
                throw Error($"input '{input.Name}' has a symbolic or invalid dimension " +
                    $"'{(d.HasDimValue ? d.DimValue.ToString(CultureInfo.InvariantCulture) : d.DimParam)}' " +
                    $"at axis {i}; give its shape in OnnxImportOptions.InputShapes");
            }
        }
        if (first && _shadowBatch is int shadow && dims.Length > 0)
            dims[0] = shadow;
        if (first)
            _batch = dims.Length > 0 ? dims[0] : 1;
        return dims;
    }

    // ---- inputs and attributes of the current node ----

    private string NodeName
        => string.IsNullOrEmpty(_node.Name)
            ? (_node.Output.Count > 0 ? _node.Output[0] : $"#{_nodeIndex}")
            : _node.Name;

    /// <summary>Input <paramref name="i"/>, or null when it is absent (past the end or named "").</summary>
    private OnnxValue? Input(int i)
    {
        if (i >= _node.Input.Count || _node.Input[i].Length == 0)
            return null;
        return _values.TryGetValue(_node.Input[i], out var v) ? v
            : throw Error($"input '{_node.Input[i]}' is produced by no earlier node, initializer or graph input");
    }

    private OnnxValue Required(int i) => Input(i) ?? throw Error($"input {i} is missing");

    private int InputCount => _node.Input.Count;

    /// <summary>A constant input (shape, axes, pads, ...); fails naming the input when it depends on the model
    /// input.</summary>
    private Tensor ConstInput(int i, string role)
    {
        var v = Required(i);
        return v.Constant ?? throw Error(
            $"input {i} ('{_node.Input[i]}', the {role}) depends on the model input; Fovea needs it known at import " +
                $"time");
    }

    private long[] ConstLongs(int i, string role) =>
        ConstInput(i, role).ToArray().Select(OnnxTensors.ToLong).ToArray();

    private int[] ConstInts(int i, string role) => ConstInput(i, role).ToArray().Select(OnnxTensors.ToInt).ToArray();

    private AttributeProto? Attr(string name) => _node.Attribute.FirstOrDefault(a => a.Name == name);

    private long Int(string name, long fallback) => Attr(name) is { } a ? a.I : fallback;

    private int Int32(string name, int fallback) => (int)Math.Clamp(Int(name, fallback), int.MinValue, int.MaxValue);

    private float Float(string name, float fallback) => Attr(name) is { } a ? a.F : fallback;

    private long[]? Ints(string name) => Attr(name) is { } a ? a.Ints.ToArray() : null;

    private float[]? Floats(string name) => Attr(name) is { } a ? a.Floats.ToArray() : null;

    private string Str(string name, string fallback) => Attr(name) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>Whether output <paramref name="i"/> of the node is consumed or is a graph output.</summary>
    private bool OutputUsed(int i) => i < _node.Output.Count && _node.Output[i].Length > 0
        && _consumed.Contains(_node.Output[i]);

    private void SetOutput(int i, OnnxValue v)
    {
        if (i < _node.Output.Count && _node.Output[i].Length > 0)
            _values[_node.Output[i]] = v;
    }

    // ---- emitting layers ----

    /// <summary>
    /// A generic op: folded now when every input is a constant, otherwise an <see cref="OnnxOp"/> layer whose
    /// constant inputs become its weights. <paramref name="batchMajor"/> overrides the default rule (axis 0 is the
    /// batch when it is for a dynamic input and the output keeps that size on axis 0).
    /// </summary>
    private OnnxValue Generic(string op, JsonObject attrs, IReadOnlyList<OnnxValue?> inputs, int outType,
        bool? batchMajor = null, string? suffix = null)
    {
        if (inputs.Any(v => v is { IsSequence: true }))
            throw Error("a sequence is used where a tensor is expected");
        if (inputs.All(v => v is null || v.IsConstant))
        {
            Tensor result;
            try
            {
                using (GradMode.NoGrad())
                    result = OnnxOpTable.Run(op, new OnnxOpArgs(attrs), inputs.Select(v => v?.Constant).ToArray(),
                        _batch, _batch);
            }
            catch (Exception e) when (e is ArgumentException or FoveaException or InvalidOperationException)
            {
                throw Error(e.Message, e);
            }
            bool fromInit = OnnxTensors.IsFloat(outType) && inputs.Any(v => v is { FromInitializer: true });
            return OnnxValue.Const(result, outType, fromInit);
        }
        var spec = new List<string>();
        var dynamic = new List<SymbolicTensor>();
        var constants = new List<(string, Tensor, bool)>();
        int batchInput = -1;
        for (int i = 0; i < inputs.Count; i++)
        {
            var v = inputs[i];
            if (v is null)
            {
                spec.Add("");
            }
            else if (v.Constant is { } c)
            {
                spec.Add("c" + constants.Count.ToString(CultureInfo.InvariantCulture));
                string inputName = i < _node.Input.Count ? _node.Input[i] : "";
                string weight = WeightName(inputName, constants.Count);
                if (constants.Any(k => k.Item1 == weight))
                    weight += "_" + constants.Count.ToString(CultureInfo.InvariantCulture);
                constants.Add((weight, c, v.FromInitializer && OnnxTensors.IsFloat(v.ElementType)));
            }
            else
            {
                if (batchInput < 0 && v.BatchMajor)
                    batchInput = dynamic.Count;
                spec.Add("d" + dynamic.Count.ToString(CultureInfo.InvariantCulture));
                dynamic.Add(v.Symbol!);
            }
        }
        attrs["batchInput"] = batchInput;
        var layer = new OnnxOp(op, attrs, spec, constants, _batch, LayerName(suffix));
        var y = Call(() => layer.Call(dynamic));
        bool bm = batchMajor ?? (batchInput >= 0 && y.Example.Rank > 0 && y.Example.Shape[0] == _batch);
        return OnnxValue.Dynamic(y, outType, bm && batchInput >= 0);
    }

    /// <summary>A one-input Fovea layer applied to <paramref name="input"/>.</summary>
    private OnnxValue Emit(Layer layer, OnnxValue input, bool? batchMajor = null)
    {
        var y = Call(() => layer.Call(input.Symbol!));
        return OnnxValue.Dynamic(y, input.ElementType, batchMajor ?? input.BatchMajor);
    }

    private SymbolicTensor Call(Func<SymbolicTensor> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is ArgumentException or FoveaException or InvalidOperationException
            or IndexOutOfRangeException)
        {
            throw Error(e.Message, e);
        }
    }

    /// <summary>The node's name, made unique among the model's layers (suffix for nodes that make several
    /// layers).</summary>
    private string LayerName(string? suffix = null)
    {
        string baseName = Sanitize(NodeName) + (suffix is null ? "" : "_" + suffix);
        string name = baseName;
        for (int i = 1; !_layerNames.Add(name); i++)
            name = $"{baseName}_{i}";
        return name;
    }

    private static string WeightName(string inputName, int index)
    {
        string s = Sanitize(inputName);
        return s.Length == 0 ? $"const{index}" : $"{s}";
    }

    /// <summary>Printable, without control characters or whitespace (names appear in messages and weight
    /// files).</summary>
    private static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
            sb.Append(char.IsControl(c) || char.IsWhiteSpace(c) ? '_' : c);
        return sb.ToString();
    }

    private FoveaException Error(string message, Exception? inner = null)
    {
        string where = _nodeIndex < (_model.Graph?.Node.Count ?? 0) && _node.OpType.Length > 0
            ? $"ONNX '{_where}': node '{NodeName}' ({_node.OpType}, opset {Opset}): "
            : $"ONNX '{_where}': ";
        return inner is null ? new FoveaException(where + message) : new FoveaException(where + message, inner);
    }

    private FoveaException Unsupported(string? detail = null) => Error(
        $"operator '{_node.OpType}'{(string.IsNullOrEmpty(_node.Domain) ? "" : $" of domain '{_node.Domain}'")} is " +
            $"not supported" +
        (detail is null ? "" : $": {detail}"));
}
