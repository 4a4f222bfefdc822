using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>SqueezeExcitation: ReduceMean over H, W (keepdims) → Conv 1×1 (fc1) → activation → Conv 1×1 (fc2) →
/// scale activation → Mul with the input.</summary>
[OnnxExporter(typeof(SqueezeExcitation))]
internal sealed class SqueezeExcitationExporter : LayerExporter<SqueezeExcitation>
{
    public override OnnxExportTensor Export(SqueezeExcitation se, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        string pooled = context.Node("ReduceMean", [x.Name], "squeeze", new OnnxAttribute("axes", [2, 3]),
            new OnnxAttribute("keepdims", 1L));
        var squeezed = x with
        {
            Name = Conv1x1(context, pooled, se.Fc1, "fc1"), Shape = new([x.Shape[0], se.SqueezeChannels, 1, 1]),
        };
        var hidden = context.Activate(se.Activation, squeezed, "activation");
        var excited = x with
        {
            Name = Conv1x1(context, hidden.Name, se.Fc2, "fc2"), Shape = new([x.Shape[0], x.Shape[1], 1, 1]),
        };
        var gate = context.Activate(se.ScaleActivation, excited, "scale_activation");
        return x with { Name = context.Node("Mul", [x.Name, gate.Name], null) };
    }

    /// <summary>A 1×1 Conv with the sub-layer's kernel and bias.</summary>
    internal static string Conv1x1(OnnxExportContext context, string input, Conv2D conv, string suffix)
    {
        var names = new List<string> { input, context.Weight(conv.Kernel) };
        if (conv.Bias is not null)
            names.Add(context.Weight(conv.Bias));
        return context.Node("Conv", names, suffix, new OnnxAttribute("kernel_shape", [1, 1]));
    }
}
