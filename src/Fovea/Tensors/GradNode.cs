namespace Fovea.Tensors;

/// <summary>
/// A node of the autograd graph (PyTorch's <c>grad_fn</c>): the recorded op that made a tensor, its inputs, and the
/// backward that turns the gradient of its output into one gradient per input (null where none is needed). The
/// graph's core lives beside <see cref="Tensor"/> because a tensor points to the node that made it
/// (<see cref="Tensor.GradFn"/>) and <see cref="Tensor.Backward()"/> runs the engine (<see cref="Graph"/>); the ops
/// themselves derive from it one stratum up (Fovea.Autograd's <c>Function</c>). A node never writes into its inputs'
/// gradients itself; <see cref="Graph"/> accumulates what <see cref="Backward"/> returns.
/// </summary>
internal abstract class GradNode
{
    private Tensor?[] _inputs = [];

    /// <summary>The op's inputs, in the order <see cref="Backward"/> returns their gradients.</summary>
    internal Tensor?[] Inputs => _inputs;

    /// <summary>The tensor this op produced.</summary>
    internal Tensor Output { get; private set; } = null!;

    /// <summary>Stamp used by the topological sort.</summary>
    internal int VisitMark { get; set; }

    /// <summary>Stamp of the gradient computation (<see cref="Graph.Gradients"/>) that needs this op's backward.</summary>
    internal int NeededMark { get; set; }

    /// <summary>
    /// The gradient of <see cref="Output"/> summed so far in the running backward pass; the graph hands it to
    /// <see cref="Backward"/> once every consumer of the output has contributed, then clears it.
    /// </summary>
    internal Tensor? OutputGrad { get; set; }

    /// <summary>A readable op name for error messages and graph dumps.</summary>
    public virtual string Name => GetType().Name.Replace("Function", "");

    /// <summary>Gradients of the inputs given the gradient of the output (same shape as the output).</summary>
    internal abstract Tensor?[] Backward(Tensor outputGrad);

    /// <summary>
    /// Makes this node the producer of <paramref name="output"/> over <paramref name="inputs"/>: the output becomes a
    /// non-leaf that requires a gradient. Whether to record at all is the op's decision (grad mode, inputs).
    /// </summary>
    private protected void Attach(Tensor output, Tensor?[] inputs)
    {
        _inputs = inputs;
        Output = output;
        output.GradFn = this;
        output.SetRequiresGradFromOp();
    }
}
