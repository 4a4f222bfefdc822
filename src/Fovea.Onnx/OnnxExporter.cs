using Fovea.IO;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx.Export;
using Fovea.Onnx.Protobuf;
using Google.Protobuf;

namespace Fovea.Onnx;

/// <summary>
/// Writes Fovea models as ONNX files (opset 17) that ONNX Runtime and other ONNX consumers run with the outputs Fovea
/// gives in inference mode: <c>OnnxExporter.Save(model, "model.onnx")</c> or <c>model.SaveOnnx("model.onnx")</c>.
/// <para>
/// DESIGN. The model's layer graph is walked in execution order (Sequential stacks, functional graphs with branches,
/// merges and shared layers, and models nested as layers, whose node names get the nested model's name as prefix).
/// Each layer becomes the ONNX nodes computing its inference-mode forward: Conv2D and DepthwiseConv2D a Conv with
/// explicit pads (Same padding resolved for the model's input size) and their fused activation, Dense a Gemm (or
/// MatMul + Add above two dimensions), BatchNormalization a BatchNormalization with the moving statistics,
/// pooling MaxPool/AveragePool (count_include_pad 0, as Fovea averages), Reshape a Reshape that keeps the batch,
/// Permute a Transpose, LayerNormalization an ONNX LayerNormalization (between two Transposes when its axes are not
/// the trailing ones), MultiHeadAttention its projections, head Transposes, Softmax and mask (Where) as separate
/// nodes, Dropout and DropPath nothing. Layers imported from ONNX (<see cref="OnnxOp"/>) map their canonical op back
/// to ONNX operators; attributes that follow the batch (a reshape to [B·heads, ...]) become small shape computations
/// from the running batch. Weights become float32 initializers named like <see cref="Layers.Layer.NamedWeights"/>.
/// Every tensor of the graph is float32, as in Fovea: comparisons, ArgMax and casts to integers are computed in their
/// ONNX types and cast back to float.
/// </para>
/// <para>
/// Axis 0 of every input and of every output that keeps the batch is the symbolic dimension
/// <see cref="OnnxExportOptions.BatchDimension"/>; the other dimensions are those the model was built for (Same
/// padding is resolved for them). A layer or op that ONNX cannot express fails with a <see cref="FoveaException"/>
/// naming the layer and the reason, before anything is written.
/// </para>
/// <para>
/// Each layer type has its own exporter (<see cref="ILayerExporter"/>, one small class per type in
/// <c>Fovea.Onnx.Export</c>); a layer type of yours exports once you register one with
/// <see cref="Register{TLayer}(ILayerExporter)"/>. A layer type with no exporter fails naming the layer and this call.
/// </para>
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ai.onnx opset the files use (17: LayerNormalization exists, Resize and Pad take inputs).</summary>
    public const int Opset = 17;

    /// <summary>The producer name written into the files.</summary>
    public const string ProducerName = "Fovea";

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically (a temporary file in the same folder,
    /// renamed over the target only when complete, so a failed export leaves an existing file as it was).
    /// </summary>
    /// <exception cref="FoveaException">The model is not built, or a layer cannot be expressed in ONNX (the message
    /// names it).</exception>
    public static void Save(Model model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var proto = ToModelProto(model, options);
        AtomicFile.Write(path, proto.WriteTo);
    }

    /// <summary>The ONNX file's bytes for <paramref name="model"/> (what <see cref="Save"/> writes).</summary>
    public static byte[] ToBytes(Model model, OnnxExportOptions? options = null) =>
        ToModelProto(model, options).ToByteArray();

    /// <summary>
    /// Registers (or replaces) the ONNX exporter of layer type <typeparamref name="TLayer"/> (and of types derived from
    /// it that have no exporter of their own). Register before exporting; registrations last for the process.
    /// </summary>
    public static void Register<TLayer>(ILayerExporter exporter) where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(exporter);
        LayerExporters.Register(typeof(TLayer), exporter);
    }

    /// <summary>
    /// Registers (or replaces) the ONNX export of layer type <typeparamref name="TLayer"/> as a function of the layer,
    /// its input tensors and the export context, returning the output tensor.
    /// </summary>
    /// <example><code>
    /// OnnxExporter.Register&lt;Scale&gt;((layer, inputs, context) =&gt;
    ///     inputs[0] with { Name = context.Node("Mul", [inputs[0].Name, context.Weight(layer.Factor)]) });
    /// </code></example>
    public static void Register<TLayer>(
        Func<TLayer, IReadOnlyList<OnnxExportTensor>, OnnxExportContext, OnnxExportTensor> export)
        where TLayer : Layer
    {
        ArgumentNullException.ThrowIfNull(export);
        LayerExporters.Register(typeof(TLayer), new FunctionExporter<TLayer>(export));
    }

    internal static ModelProto ToModelProto(Model model, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new OnnxGraphExporter(model, options ?? new OnnxExportOptions()).Export();
    }

    private sealed class FunctionExporter<TLayer>(
        Func<TLayer, IReadOnlyList<OnnxExportTensor>, OnnxExportContext, OnnxExportTensor> export)
        : LayerExporter<TLayer> where TLayer : Layer
    {
        public override OnnxExportTensor Export(TLayer layer, IReadOnlyList<OnnxExportTensor> inputs,
            OnnxExportContext context) => export(layer, inputs, context);
    }
}
