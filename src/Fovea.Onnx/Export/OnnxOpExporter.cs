
namespace Fovea.Onnx.Export;

/// <summary>A layer imported from ONNX: its canonical op mapped back to ONNX operators (see
/// <c>OnnxGraphExporter.Ops</c>); attributes that follow the batch become shape computations from the running
/// batch.</summary>
[OnnxExporter(typeof(OnnxOp))]
internal sealed class OnnxOpExporter : LayerExporter<OnnxOp>
{
    public override OnnxExportTensor Export(OnnxOp op, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => context.Exporter.ExportOnnxOp(op, [.. inputs], context.ModelInput,
        context.Call ?? throw context.Unsupported("an imported ONNX op outside a functional model"));
}
