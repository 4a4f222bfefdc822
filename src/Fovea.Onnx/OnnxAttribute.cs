using Fovea.Onnx.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// An attribute of an exported ONNX node, named as in the ONNX spec: <c>new OnnxAttribute("alpha", 0.1f)</c>,
/// <c>new OnnxAttribute("kernel_shape", [3, 3])</c>.
/// </summary>
public readonly struct OnnxAttribute
{
    /// <summary>An integer attribute (ONNX INT).</summary>
    public OnnxAttribute(string name, long value) => Proto = OnnxGraphExporter.Attr(name, value);

    /// <summary>A float attribute (ONNX FLOAT).</summary>
    public OnnxAttribute(string name, float value) => Proto = OnnxGraphExporter.Attr(name, value);

    /// <summary>A string attribute (ONNX STRING, UTF-8).</summary>
    public OnnxAttribute(string name, string value) => Proto = OnnxGraphExporter.Attr(name, value);

    /// <summary>An integer list attribute (ONNX INTS).</summary>
    public OnnxAttribute(string name, IEnumerable<long> values) => Proto = OnnxGraphExporter.Attr(name, values);

    /// <summary>An integer list attribute (ONNX INTS).</summary>
    public OnnxAttribute(string name, IEnumerable<int> values) => Proto = OnnxGraphExporter.Attr(name, values);

    /// <summary>The attribute's name.</summary>
    public string Name => Proto.Name;

    internal AttributeProto Proto { get; }
}
