using Fovea.Autograd.Functions;
using Fovea.Layers;

namespace Fovea.Models.Passes;

/// <summary>
/// Inference fusion as a graph pass. Chains of nodes where each feeds only the next, with one training flag, become
/// one node: a convolution (Conv2D, DepthwiseConv2D) with the BatchNormalization and fusable activation layer after it
/// (<see cref="FusedConvolution"/>, which decides per call whether the one-op inference path applies), and a
/// BatchNormalization with a ReLU, LeakyReLU or SiLU after it (<see cref="FusedBatchNormActivation"/>). What the model
/// computes does not change beyond float rounding.
/// </summary>
public sealed class FusionPass : IGraphPass
{
    public IReadOnlyList<LayerNode> Rewrite(LayerGraph graph, IReadOnlyList<LayerNode> nodes)
    {
        var result = new List<LayerNode>(nodes.Count);
        for (int k = 0; k < nodes.Count; k++)
        {
            var node = nodes[k];
            LayerNode? Next(int i) => i + 1 < nodes.Count && Chained(graph, nodes[i], nodes[i + 1]) ? nodes[i + 1] : null;
            if (node.Layer is BaseConv2D { Built: true } conv)
            {
                if (conv.Activation is not null)
                {
                    result.Add(FusableActivation.Of(conv.Activation) is null ? node
                        : Replace(node, node, new FusedConvolution(conv, null, null)));
                    continue;
                }
                var last = node;
                var bn = Next(k) is { Layer: BatchNormalization { Built: true } b } ? b : null;
                if (bn is not null)
                    last = nodes[++k];
                var activation = Next(k) is { } a && FusableActivation.Of(a.Layer) is not null ? a.Layer : null;
                if (activation is not null)
                    last = nodes[++k];
                result.Add(Replace(node, last, new FusedConvolution(conv, bn, activation)));
                continue;
            }
            if (node.Layer is BatchNormalization { Built: true } norm && Next(k) is { } next &&
                FusableActivation.Of(next.Layer) is { } kind && BatchNormActivationFunction.Supports(kind.Kind))
            {
                result.Add(Replace(node, next, new FusedBatchNormActivation(norm, kind.Kind, kind.Alpha)));
                k++;
                continue;
            }
            result.Add(node);
        }
        return result;
    }

    /// <summary><paramref name="second"/> takes <paramref name="first"/>'s output as its only input, nothing else
    /// uses that output, and both run in the same mode.</summary>
    private static bool Chained(LayerGraph graph, LayerNode first, LayerNode second) =>
        first.Layer is not MergeLayer && second.Inputs.Count == 1 && ReferenceEquals(second.Inputs[0], first.Output) &&
        graph.UseCount(first.Output) == 1 && first.Training == second.Training;

    private static LayerNode Replace(LayerNode first, LayerNode last, Layer fused) =>
        new(fused, first.Inputs, last.Output, first.Training);
}
