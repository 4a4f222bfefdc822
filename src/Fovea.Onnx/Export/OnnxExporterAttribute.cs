namespace Fovea.Onnx.Export;

/// <summary>
/// Marks a built-in <see cref="ILayerExporter"/> as the exporter of <see cref="LayerType"/> (and of the types derived
/// from it that have none of their own); the exporters of Fovea.Onnx are found by this mark.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
internal sealed class OnnxExporterAttribute(Type layerType) : Attribute
{
    /// <summary>The layer type exported.</summary>
    public Type LayerType { get; } = layerType;
}
