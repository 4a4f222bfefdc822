using Fovea.Layers;

namespace Fovea.Onnx;

/// <summary>An <see cref="ILayerExporter"/> for layers of type <typeparamref name="TLayer"/>.</summary>
/// <example><code>
/// sealed class ScaleExporter : LayerExporter&lt;Scale&gt;
/// {
///     public override OnnxExportTensor Export(Scale layer, IReadOnlyList&lt;OnnxExportTensor&gt; inputs,
///         OnnxExportContext context) =>
///         inputs[0] with { Name = context.Node("Mul", [inputs[0].Name, context.Weight(layer.Factor)]) };
/// }
/// OnnxExporter.Register&lt;Scale&gt;(new ScaleExporter());
/// </code></example>
public abstract class LayerExporter<TLayer> : ILayerExporter where TLayer : Layer
{
    /// <inheritdoc cref="ILayerExporter.Export"/>
    public abstract OnnxExportTensor Export(TLayer layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context);

    OnnxExportTensor ILayerExporter.Export(Layer layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => Export((TLayer)layer, inputs, context);
}
