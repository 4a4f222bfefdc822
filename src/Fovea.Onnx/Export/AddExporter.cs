using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Add: x₀ + x₁ (Add) or the sum of several (Sum).</summary>
[OnnxExporter(typeof(Add))]
internal sealed class AddExporter : LayerExporter<Add>
{
    public override OnnxExportTensor Export(Add layer, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        if (inputs.Count == 1)
            return inputs[0];
        string op = inputs.Count == 2 ? "Add" : "Sum";
        return inputs[0] with
        {
            Name = context.Node(op, inputs.Select(v => v.Name)), BatchMajor = inputs.Any(v => v.BatchMajor),
            Fixed = inputs.All(v => v.Fixed),
        };
    }
}
