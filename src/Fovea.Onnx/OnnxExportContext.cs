using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// What a layer exporter (<see cref="ILayerExporter"/>) writes the ONNX graph with: nodes named after the layer,
/// weights as float32 initializers, constants, and errors that name the layer.
/// </summary>
public sealed class OnnxExportContext
{
    private readonly OnnxGraphExporter _exporter;

    internal OnnxExportContext(OnnxGraphExporter exporter, Layer layer, string nodeBase, OnnxExportTensor modelInput,
        LayerNode? call)
    {
        _exporter = exporter;
        Layer = layer;
        NodeBase = nodeBase;
        ModelInput = modelInput;
        Call = call;
    }

    /// <summary>The layer being exported.</summary>
    public Layer Layer { get; }

    /// <summary>The functional call being exported (null in a Sequential stack).</summary>
    public LayerNode? Call { get; }

    /// <summary>The first input of the model the layer belongs to (its axis 0 is the running batch).</summary>
    public OnnxExportTensor ModelInput { get; }

    /// <summary>The ai.onnx opset of the file (<see cref="OnnxExporter.Opset"/>).</summary>
    public int Opset => OnnxExporter.Opset;

    internal OnnxGraphExporter Exporter => _exporter;

    internal string NodeBase { get; }

    /// <summary>
    /// Appends a node of <paramref name="opType"/> (an ai.onnx operator) with one output and returns the output's
    /// name. The node is named after the layer, plus "/<paramref name="suffix"/>" for the helper nodes of a layer
    /// that needs several.
    /// </summary>
    public string Node(string opType, IEnumerable<string> inputs, string? suffix = null,
        params OnnxAttribute[] attributes)
    {
        ArgumentNullException.ThrowIfNull(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        return _exporter.Node(opType, inputs, suffix, attributes.Select(a => a.Proto).ToArray());
    }

    /// <summary>
    /// The initializer holding <paramref name="weight"/> (named like <c>Model.NamedWeights</c>, written once),
    /// optionally reshaped to <paramref name="shape"/> or transposed (a [r, c] weight as [c, r]).
    /// </summary>
    public string Weight(Parameter weight, Shape? shape = null, bool transposed = false)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return _exporter.Weight(weight, shape, transposed);
    }

    /// <summary>A float32 constant initializer of <paramref name="values"/> with <paramref name="dims"/> (a vector
    /// when null).</summary>
    public string Constant(float[] values, int[]? dims = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _exporter.FloatConstant(values, dims);
    }

    /// <summary>An int64 constant initializer of <paramref name="values"/> with <paramref name="dims"/> (a vector
    /// when null): shapes, axes and indices, e.g. the target of a Reshape.</summary>
    public string Int64Constant(long[] values, int[]? dims = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _exporter.Int64Constant(values, dims);
    }

    /// <summary>Applies an activation function (a layer's fused <c>activation:</c>) to <paramref name="x"/>; null
    /// leaves it as it is.</summary>
    public OnnxExportTensor Activate(ActivationFunction? function, OnnxExportTensor x, string? suffix = null) =>
        _exporter.Activate(function, x, suffix);

    /// <summary>The error to throw when the layer cannot be expressed in ONNX: names the model, the layer and
    /// <paramref name="reason"/>.</summary>
    public FoveaException Unsupported(string reason) => _exporter.Unsupported(reason);
}
