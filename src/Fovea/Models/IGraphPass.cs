using Fovea.Layers;

namespace Fovea.Models;

/// <summary>
/// A rewrite of a model's graph before it runs (inference fusion today; quantization and pruning passes later).
/// A pass returns a new node list in execution order: nodes kept as they are, and new <see cref="LayerNode"/>s whose
/// layer computes, from the inputs of a chain of nodes, the output of its last node. It must not change what the
/// model computes beyond float rounding, nor modify the recorded graph, and it must keep as a node output every tensor
/// whose <see cref="LayerGraph.UseCount"/> is above one (besides model outputs and tensors read by several layers,
/// those are the intermediate outputs a caller asked for, see <c>Model.Capture</c>).
/// </summary>
public interface IGraphPass
{
    /// <summary>Rewrites <paramref name="nodes"/> (the graph's nodes after the passes before this one).</summary>
    IReadOnlyList<LayerNode> Rewrite(LayerGraph graph, IReadOnlyList<LayerNode> nodes);
}
