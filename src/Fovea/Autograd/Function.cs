using Fovea.Tensors;

namespace Fovea.Autograd;

/// <summary>
/// One recorded op in the autograd graph (PyTorch's <c>torch.autograd.Function</c>): it keeps what its backward
/// needs and turns the gradient of its output into one gradient per input (null where none is needed).
/// A Function never writes into its inputs' gradients itself; <see cref="Graph"/> accumulates what it returns.
/// </summary>
internal abstract class Function
{
    private Tensor?[] _inputs = [];

    /// <summary>The op's inputs, in the order <see cref="Backward"/> returns their gradients.</summary>
    internal Tensor?[] Inputs => _inputs;

    /// <summary>The tensor this op produced.</summary>
    internal Tensor Output { get; private set; } = null!;

    /// <summary>Stamp used by the topological sort.</summary>
    internal int VisitMark { get; set; }

    /// <summary>Stamp of the <see cref="Gradients"/> computation that needs this op's backward.</summary>
    internal int NeededMark { get; set; }

    /// <summary>
    /// The gradient of <see cref="Output"/> summed so far in the running backward pass; the graph hands it to
    /// <see cref="Backward"/> once every consumer of the output has contributed, then clears it.
    /// </summary>
    internal Tensor? OutputGrad { get; set; }

    /// <summary>A readable op name for error messages and graph dumps.</summary>
    public virtual string Name => GetType().Name.Replace("Function", "");

    /// <summary>Whether input <paramref name="i"/> wants a gradient.</summary>
    protected bool NeedsGrad(int i) => _inputs[i] is { RequiresGrad: true };

    /// <summary>Gradients of the inputs given the gradient of the output (same shape as the output).</summary>
    internal abstract Tensor?[] Backward(Tensor outputGrad);

    /// <summary>
    /// Links <paramref name="output"/> to this op when gradient recording is on and some input requires a gradient.
    /// Returns <paramref name="output"/>.
    /// </summary>
    internal Tensor Record(Tensor output, params Tensor?[] inputs)
    {
        if (!ShouldRecord(inputs))
            return output;
        _inputs = inputs;
        Output = output;
        output.GradFn = this;
        output.SetRequiresGradFromOp();
        return output;
    }

    /// <summary>True when an op over <paramref name="inputs"/> must be recorded.</summary>
    internal static bool ShouldRecord(ReadOnlySpan<Tensor?> inputs)
    {
        if (!GradMode.IsEnabled)
            return false;
        foreach (var t in inputs)
        {
            if (t is { RequiresGrad: true })
                return true;
        }
        return false;
    }

    internal static bool ShouldRecord(Tensor a) => GradMode.IsEnabled && a.RequiresGrad;

    internal static bool ShouldRecord(Tensor a, Tensor? b) =>
        GradMode.IsEnabled && (a.RequiresGrad || b is { RequiresGrad: true });

    internal static bool ShouldRecord(Tensor a, Tensor? b, Tensor? c) =>
        GradMode.IsEnabled && (a.RequiresGrad || b is { RequiresGrad: true } || c is { RequiresGrad: true });
}
