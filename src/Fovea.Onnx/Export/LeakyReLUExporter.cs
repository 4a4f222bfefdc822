using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>LeakyReLU: LeakyRelu with alpha = the negative slope.</summary>
[OnnxExporter(typeof(LeakyReLU))]
internal sealed class LeakyReLUExporter : LayerExporter<LeakyReLU>
{
    public override OnnxExportTensor Export(LeakyReLU layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context) => inputs[0] with
    {
        Name = context.Node("LeakyRelu", [inputs[0].Name], null, new OnnxAttribute("alpha", layer.NegativeSlope)),
    };
}
