using Fovea.Tensors;

namespace Fovea.Autograd;

/// <summary>
/// One differentiable op (PyTorch's <c>torch.autograd.Function</c>): it keeps what its backward needs and turns the
/// gradient of its output into one gradient per input (null where none is needed). A Function is the
/// <see cref="GradNode"/> of the tensor it makes; this type adds the recording rules (grad mode, inputs that require
/// a gradient) on top of the graph core that lives with <see cref="Tensor"/>.
/// A Function never writes into its inputs' gradients itself; the graph accumulates what it returns.
/// </summary>
internal abstract class Function : GradNode
{
    /// <summary>Whether input <paramref name="i"/> wants a gradient: it requires one and, inside
    /// <see cref="Gradients.Compute(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool)"/>,
    /// lies on a path to a tensor whose gradient was asked for (parameters are skipped when only the input's is).
    /// </summary>
    protected bool NeedsGrad(int i) => Inputs[i] is { RequiresGrad: true } input && Graph.GradientWanted(input);

    /// <summary>
    /// Links <paramref name="output"/> to this op when gradient recording is on and some input requires a gradient.
    /// Returns <paramref name="output"/>.
    /// </summary>
    internal Tensor Record(Tensor output, params Tensor?[] inputs)
    {
        if (!ShouldRecord(inputs))
            return output;
        Attach(output, inputs);
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
