namespace Fovea.Layers;

/// <summary>
/// One recorded call of a layer on symbolic tensors: a node of a model's graph (<see cref="Models.Model.Nodes"/>):
/// the layer, the symbolic tensors it consumes, the one it produces, and the training flag fixed at the call (null:
/// the model's mode). Graph passes (inference fusion, quantization) build new nodes that replace chains of recorded
/// ones.
/// </summary>
public sealed class LayerNode
{
    internal LayerNode(Layer layer, SymbolicTensor[] inputs, bool? training)
    {
        Layer = layer;
        Inputs = inputs;
        Training = training;
    }

    /// <summary>
    /// A node made by a graph pass: <paramref name="layer"/> computes <paramref name="output"/> (a tensor of the
    /// original graph, e.g. the last of a fused chain) from <paramref name="inputs"/>.
    /// </summary>
    public LayerNode(Layer layer, IReadOnlyList<SymbolicTensor> inputs, SymbolicTensor output, bool? training)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(output);
        Layer = layer;
        Inputs = inputs.ToArray();
        Output = output;
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

    public override string ToString() => $"{Layer.Describe()}({string.Join(", ", Inputs)})";
}
