using Fovea.Tensors;

namespace Fovea.Layers;

public abstract partial class Layer
{
    /// <summary>
    /// Records a call on symbolic tensors (functional API) and returns the symbolic output. <paramref name="training"/>
    /// fixes the mode of this call (e.g. a frozen base model called with <c>training: false</c>); null follows the
    /// model's mode.
    /// </summary>
    public SymbolicTensor Call(SymbolicTensor x, bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return CallSymbolic([x], training, examples => Call(examples[0], training: false));
    }

    /// <summary>The calls of this layer recorded on symbolic tensors, in order.</summary>
    internal List<LayerNode> InboundNodes { get; } = [];

    /// <summary>The symbolic output of this layer's only symbolic call (Keras <c>layer.output</c>).</summary>
    public SymbolicTensor Output => InboundNodes.Count == 1
        ? InboundNodes[0].Output
        : throw new FoveaException(InboundNodes.Count == 0
            ? $"{Describe()} has not been called on symbolic tensors, so it has no output yet"
            : $"{Describe()} was called {InboundNodes.Count} times; its output is ambiguous");

    /// <summary>
    /// Builds the layer for the inputs' shapes, takes the output shape from <see cref="ComputeOutputShape"/> (or, when
    /// the layer cannot say it, from running <paramref name="run"/> on the inputs' example batches), and records the
    /// call as a node.
    /// </summary>
    internal SymbolicTensor CallSymbolic(SymbolicTensor[] inputs, bool? training, Func<Tensor[], Tensor> run)
    {
        var shapes = inputs.Select(i => i.BatchShape).ToArray();
        BuildFor(shapes);
        Shape output;
        Tensor? example = null;
        if (InferOutputShape(shapes) is { } inferred)
        {
            output = inferred;
        }
        else
        {
            using (Autograd.GradMode.NoGrad())
            {
                var y = run(inputs.Select(i => i.Example).ToArray());
                example = Tensor.AllocateOwned(y.Shape);
                y.AsReadOnlySpan().CopyTo(example.AsSpan());
            }
            output = example.Shape;
        }
        OutputShape = output;
        var node = new LayerNode(this, inputs, training);
        node.Output = new SymbolicTensor(output, example, node, null);
        InboundNodes.Add(node);
        return node.Output;
    }

    /// <summary>Builds the layer (if needed) for a call on inputs of <paramref name="shapes"/>.</summary>
    private protected virtual void BuildFor(IReadOnlyList<Shape> shapes) => EnsureBuilt(shapes[0]);

    /// <summary>The output shape for inputs of <paramref name="shapes"/>, or null when unknown without running.</summary>
    private protected virtual Shape? InferOutputShape(IReadOnlyList<Shape> shapes) =>
        shapes.Count == 1 ? ComputeOutputShape(shapes[0]) : null;
}
