using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Cbam: the channel gate Sigmoid(MLP(ReduceMean) + MLP(ReduceMax)) over H, W, Mul; then the spatial gate
/// Sigmoid(Conv k×k of Concat(ReduceMean, ReduceMax) over C), Mul.</summary>
[OnnxExporter(typeof(Cbam))]
internal sealed class CbamExporter : LayerExporter<Cbam>
{
    public override OnnxExportTensor Export(Cbam cbam, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank != 4)
            throw context.Unsupported($"expected input [N, C, H, W], received {x.Shape}");
        string avg = Mlp(context, cbam, Reduce(context, "ReduceMean", x.Name, [2, 3], "avg_hw"), "avg");
        string max = Mlp(context, cbam, Reduce(context, "ReduceMax", x.Name, [2, 3], "max_hw"), "max");
        string channelGate = context.Node("Sigmoid", [context.Node("Add", [avg, max], "channel_sum")], "channel_gate");
        string refined = context.Node("Mul", [x.Name, channelGate], "channel");
        string maps = context.Node("Concat",
            [Reduce(context, "ReduceMean", refined, [1], "avg_c"), Reduce(context, "ReduceMax", refined, [1], "max_c")],
            "maps", new OnnxAttribute("axis", 1L));
        int k = cbam.KernelSize, p = k / 2;
        string conv = context.Node("Conv", [maps, context.Weight(cbam.Spatial.Kernel)], "spatial",
            new OnnxAttribute("kernel_shape", [k, k]), new OnnxAttribute("pads", [p, p, p, p]));
        string spatialGate = context.Node("Sigmoid", [conv], "spatial_gate");
        return x with { Name = context.Node("Mul", [refined, spatialGate], null) };
    }

    private static string Reduce(OnnxExportContext context, string op, string input, int[] axes, string suffix) =>
        context.Node(op, [input], suffix, new OnnxAttribute("axes", axes), new OnnxAttribute("keepdims", 1L));

    private static string Mlp(OnnxExportContext context, Cbam cbam, string pooled, string branch)
    {
        string hidden = SqueezeExcitationExporter.Conv1x1(context, pooled, cbam.Fc1, $"{branch}/fc1");
        string relu = context.Node("Relu", [hidden], $"{branch}/relu");
        return SqueezeExcitationExporter.Conv1x1(context, relu, cbam.Fc2, $"{branch}/fc2");
    }
}
