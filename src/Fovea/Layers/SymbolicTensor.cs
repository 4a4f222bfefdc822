using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// A placeholder in a functional model under construction (Keras's KerasTensor): it has a per-sample shape and
/// remembers which layer call produced it. Calling a layer on symbolic tensors records that call and returns new
/// symbolic tensors; <c>new Model(inputs, outputs)</c> then runs the recorded graph on real tensors.
/// Output shapes come from the layers (<c>ComputeOutputShape</c>); a layer that cannot say its output shape is run
/// on an example batch (zeros at the inputs), which is made only when needed.
/// </summary>
public sealed class SymbolicTensor
{
    private Tensor? _example;

    internal SymbolicTensor(Tensor example, LayerNode? producer, string? name)
        : this(example.Shape, example, producer, name)
    {
    }

    internal SymbolicTensor(Shape batchShape, Tensor? example, LayerNode? producer, string? name)
    {
        BatchShape = batchShape;
        _example = example;
        Producer = producer;
        Name = name;
    }

    /// <summary>The shape of one sample (no batch axis), e.g. [64, 56, 56].</summary>
    public Shape Shape => BatchShape.WithoutBatch();

    /// <summary>The shape with the example batch first (batch 1, or the batch an imported graph was written for).
    /// </summary>
    public Shape BatchShape { get; }

    /// <summary>The input's name for model inputs; null for intermediate tensors.</summary>
    public string? Name { get; }

    /// <summary>The layer call that produced this tensor, or null for a model input.</summary>
    public LayerNode? Producer { get; }

    /// <summary>
    /// A value for the example batch: zeros at the inputs, and for a layer's output the layer run on its inputs'
    /// examples (computed on first use). Only shape-dependent code should read it.
    /// </summary>
    internal Tensor Example => _example ??= ComputeExample();

    /// <summary>Whether <see cref="Example"/> has been computed (tests check that shape inference needs none).
    /// </summary>
    internal bool HasExample => _example is not null;

    private Tensor ComputeExample()
    {
        if (Producer is null)
            return Tensor.AllocateOwned(BatchShape);
        using var _ = Autograd.GradMode.NoGrad();
        var inputs = Producer.Inputs.Select(i => i.Example).ToArray();
        var y = Producer.Layer is MergeLayer merge ? merge.Call(inputs, training: false)
            : Producer.Layer.Call(inputs[0], training: false);
        var example = Tensor.AllocateOwned(y.Shape);
        y.AsReadOnlySpan().CopyTo(example.AsSpan());
        return example;
    }

    /// <summary>The layer that produced this tensor, or null for a model input.</summary>
    public Layer? Layer => Producer?.Layer;

    public override string ToString() =>
        $"SymbolicTensor(None, {string.Join(", ", Shape)}){(Producer is null ? $" input '{Name}'" : $" from {Producer.Layer.Describe()}")}";
}
