using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Multiply: ((x₀·x₁)·x₂)·…, in Fovea's order.</summary>
[OnnxExporter(typeof(Multiply))]
internal sealed class MultiplyExporter : LayerExporter<Multiply>
{
    public override OnnxExportTensor Export(Multiply layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        string y = inputs[0].Name;
        for (int i = 1; i < inputs.Count; i++)
            y = context.Node("Mul", [y, inputs[i].Name], i == inputs.Count - 1 ? null : $"mul{i}");
        return inputs[0] with
        {
            Name = y, BatchMajor = inputs.Any(v => v.BatchMajor), Fixed = inputs.All(v => v.Fixed),
        };
    }
}
