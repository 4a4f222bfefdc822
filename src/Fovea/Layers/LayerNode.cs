namespace Fovea.Layers;

/// <summary>
/// One layer call in a model's graph: the layer, the symbolic tensors it consumes, the one it produces, and the
/// training flag fixed at the call (null: the model's mode). Graph passes (inference fusion, quantization) build new
/// nodes that replace chains of recorded ones.
/// </summary>
public sealed class LayerNode
{
    /// <summary>A recorded call (registered with the layer as one of its calls).</summary>
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

    public Layer Layer { get; }

    public IReadOnlyList<SymbolicTensor> Inputs { get; }

    /// <summary>A training flag fixed at the call (e.g. <c>baseModel.Call(x, training: false)</c>); null follows the
    /// model.</summary>
    public bool? Training { get; }

    public SymbolicTensor Output { get; internal set; } = null!;

    public override string ToString() => $"{Layer.Describe()}({string.Join(", ", Inputs)})";
}
