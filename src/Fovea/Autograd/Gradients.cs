using Fovea.Tensors;

namespace Fovea.Autograd;

/// <summary>
/// Gradients of chosen tensors with respect to chosen tensors (PyTorch <c>torch.autograd.grad</c>), without
/// touching any <see cref="Tensor.Grad"/>: the way to get the gradient with respect to a model's input or an
/// intermediate activation (saliency, Grad-CAM, adversarial examples) while parameters keep their gradients.
/// </summary>
/// <example><code>
/// var x = images.Clone(); x.RequiresGrad = true;
/// var features = backbone.Call(x);
/// var score = Functional.Sum(head.Call(features));
/// var (dx, dFeatures) = Gradients.Compute([score], [x, features]) is [var a, var b] ? (a!, b!) : default;
/// </code></example>
public static class Gradients
{
    /// <summary>
    /// Effectively computes ∂(Σₖ Σ outputs[k] ⊙ gradOutputs[k]) / ∂inputs[i] for each input: the vector-Jacobian
    /// product of the outputs with the given weights. An input may be a leaf (a model input with
    /// <see cref="Tensor.RequiresGrad"/>, a parameter) or a tensor made by an op; its gradient sums every path from
    /// the outputs, and only ops on such paths run. Gradient hooks (<see cref="Tensor.RegisterHook"/>) on the tensors
    /// passed through run as in backward; no gradient is accumulated or retained and no gradient-ready event fires.
    /// </summary>
    /// <param name="outputs">Tensors to differentiate; each requires a gradient.</param>
    /// <param name="inputs">Tensors to differentiate with respect to; each requires a gradient.</param>
    /// <param name="gradOutputs">
    /// One weight per output, shaped like it; null (or a null entry) means 1, which needs a one-element output.
    /// </param>
    /// <param name="allowUnused">
    /// When false (default), an input the outputs do not depend on is an error; when true its result is null.
    /// </param>
    /// <returns>One new tensor per input, shaped like it, owned as an op result (by the current scope, if any).</returns>
    public static Tensor?[] Compute(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
        IReadOnlyList<Tensor?>? gradOutputs = null, bool allowUnused = false)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        if (outputs.Count == 0 || inputs.Count == 0)
            throw new ArgumentException(
                $"Gradients.Compute: expected at least one output and one input, received {outputs.Count} " +
                $"and {inputs.Count}");
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
            throw new ArgumentException(
                $"Gradients.Compute: expected one gradOutput per output ({outputs.Count}), " +
                $"received {gradOutputs.Count}");
        var seeds = new Tensor[outputs.Count];
        for (int k = 0; k < outputs.Count; k++)
        {
            var o = outputs[k] ?? throw new ArgumentNullException(nameof(outputs), $"output {k} is null");
            if (!o.RequiresGrad)
                throw new InvalidOperationException(
                    $"Gradients.Compute: output {k} ({o}) does not require a gradient; expected a tensor computed " +
                    "from inputs or parameters that require one");
            var w = gradOutputs?[k];
            if (w is null && o.Length != 1)
                throw new ArgumentException(
                    $"Gradients.Compute: output {k} has shape {o.Shape}; " +
                    "without a gradOutput it must have one element");
            if (w is not null && w.Shape != o.Shape)
                throw new ArgumentException(
                    $"Gradients.Compute: gradOutput {k} has shape {w.Shape}, expected the output's shape {o.Shape}");
            seeds[k] = w is null ? Tensor.Ones(o.Shape) : w.Clone(); // the caller's tensor is never summed into
        }
        for (int i = 0; i < inputs.Count; i++)
        {
            var t = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"input {i} is null");
            if (!t.RequiresGrad)
                throw new InvalidOperationException(
                    $"Gradients.Compute: input {i} ({t}) does not require a gradient; set RequiresGrad = true on it " +
                    "before the forward pass");
        }

        var results = Graph.Gradients(outputs, inputs, seeds);
        for (int i = 0; i < results.Length; i++)
        {
            if (results[i] is null && !allowUnused)
                throw new InvalidOperationException(
                    $"Gradients.Compute: input {i} ({inputs[i]}) is not used to compute the outputs " +
                    "(no gradient reaches it); pass allowUnused: true to receive null for it");
        }
        return results;
    }

    /// <summary>
    /// The gradient of one output with respect to one input (see
    /// <see cref="Compute(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor?}?, bool)"/>); the output
    /// has one element unless <paramref name="gradOutput"/> weights it. Throws when the output does not depend on it.
    /// </summary>
    public static Tensor Compute(Tensor output, Tensor input, Tensor? gradOutput = null) =>
        Compute([output], [input], gradOutput is null ? null : [gradOutput])[0]!;
}
