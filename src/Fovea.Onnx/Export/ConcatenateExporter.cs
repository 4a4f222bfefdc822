using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Concatenate along the layer's axis (Concat).</summary>
[OnnxExporter(typeof(Concatenate))]
internal sealed class ConcatenateExporter : LayerExporter<Concatenate>
{
    public override OnnxExportTensor Export(Concatenate concat, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        if (inputs.Count == 1)
            return inputs[0];
        int ax = inputs[0].Shape.NormalizeAxis(concat.Axis);
        var shape = inputs[0].Shape.With(ax, inputs.Sum(v => v.Shape[ax]));
        string y = context.Node("Concat", inputs.Select(v => v.Name), null, new OnnxAttribute("axis", (long)ax));
        bool batch = inputs.Any(v => v.BatchMajor);
        return new OnnxExportTensor(y, shape, ax != 0 && batch, inputs.All(v => v.Fixed) && (ax != 0 || !batch));
    }
}
