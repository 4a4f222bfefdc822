namespace Fovea.Layers;

/// <summary>
/// One recorded call of a layer on symbolic tensors: a node of a model's graph (read-only; see
/// <see cref="Models.Model.Nodes"/>).
/// </summary>
public sealed class LayerNode
{
    internal LayerNode(Layer layer, SymbolicTensor[] inputs, bool? training)
    {
        Layer = layer;
        Inputs = inputs;
        Training = training;
    }

    /// <summary>The layer called.</summary>
    public Layer Layer { get; }

    /// <summary>The symbolic tensors the layer was called on, in order.</summary>
    public IReadOnlyList<SymbolicTensor> Inputs { get; }

    /// <summary>A training flag fixed at the call (e.g. <c>baseModel.Call(x, training: false)</c>); null follows the
    /// model.</summary>
    public bool? Training { get; }

    /// <summary>The symbolic tensor the call produced.</summary>
    public SymbolicTensor Output { get; internal set; } = null!;
}
