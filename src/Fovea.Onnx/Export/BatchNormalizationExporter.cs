using Fovea.Layers;

namespace Fovea.Onnx.Export;

/// <summary>Inference-mode batch normalisation with the moving statistics.</summary>
[OnnxExporter(typeof(BatchNormalization))]
internal sealed class BatchNormalizationExporter : LayerExporter<BatchNormalization>
{
    public override OnnxExportTensor Export(BatchNormalization bn, IReadOnlyList<OnnxExportTensor> inputs,
        OnnxExportContext context)
    {
        var x = inputs[0];
        if (x.Rank < 2)
            throw context.Unsupported($"expected input [N, C, ...], received {x.Shape}");
        string y = context.Node("BatchNormalization",
            [x.Name, context.Weight(bn.Gamma), context.Weight(bn.Beta), context.Weight(bn.MovingMean),
                context.Weight(bn.MovingVariance)], null,
            new OnnxAttribute("epsilon", bn.Epsilon), new OnnxAttribute("momentum", bn.Momentum));
        return x with { Name = y };
    }
}
