namespace Fovea.Layers;

/// <summary>One recorded call of a layer on symbolic tensors (a node of a functional model's graph).</summary>
internal sealed class LayerNode(Layer layer, SymbolicTensor[] inputs, bool? training)
{
    public Layer Layer { get; } = layer;

    public SymbolicTensor[] Inputs { get; } = inputs;

    /// <summary>A training flag fixed at the call (e.g. <c>baseModel.Call(x, training: false)</c>); null follows the model.</summary>
    public bool? Training { get; } = training;

    public SymbolicTensor Output { get; set; } = null!;
}
