using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// A placeholder in a functional model under construction (Keras's KerasTensor): it has a per-sample shape and
/// remembers which layer call produced it. Calling a layer on symbolic tensors records that call and returns new
/// symbolic tensors; <c>new Model(inputs, outputs)</c> then runs the recorded graph on real tensors.
/// Each symbolic tensor carries an example value (batch of one, computed when the call was recorded), which is how
/// output shapes are found and weights get built.
/// </summary>
public sealed class SymbolicTensor
{
    internal SymbolicTensor(Tensor example, LayerNode? producer, string? name)
    {
        Example = example;
        Producer = producer;
        Name = name;
    }

    /// <summary>The shape of one sample (no batch axis), e.g. [64, 56, 56].</summary>
    public Shape Shape => Example.Shape.WithoutBatch();

    /// <summary>The input's name for model inputs; null for intermediate tensors.</summary>
    public string? Name { get; }

    /// <summary>The layer call that produced this tensor, or null for a model input.</summary>
    internal LayerNode? Producer { get; }

    /// <summary>The value for an example batch of one (zeros at the inputs).</summary>
    internal Tensor Example { get; }

    /// <summary>The layer that produced this tensor, or null for a model input.</summary>
    public Layer? Layer => Producer?.Layer;

    public override string ToString() =>
        $"SymbolicTensor(None, {string.Join(", ", Shape)}){(Producer is null ? $" input '{Name}'" : $" from {Producer.Layer.Describe()}")}";
}
