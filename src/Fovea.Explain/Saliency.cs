using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// Gradient saliency (Simonyan et al. 2014): the gradient of the target logit with respect to the input, its absolute
/// value, or gradient × input (<see cref="SaliencyMode"/>). One forward and one backward pass per batch of
/// <see cref="InternalBatchSize"/> samples.
/// </summary>
/// <param name="model">The model; its logits (pre-softmax) are explained.</param>
/// <param name="mode">What to return (default: the signed gradient).</param>
public sealed class Saliency(Model model, SaliencyMode mode = SaliencyMode.Gradient) : IAttributionMethod
{
    private readonly ClassScore _score = new(model);

    /// <summary>What is returned.</summary>
    public SaliencyMode Mode { get; } = mode;

    /// <summary>Samples per forward/backward pass (default 32): memory is O(this), whatever N.</summary>
    public int InternalBatchSize { get; init; } = 32;

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target)
    {
        Inputs.Check(inputs, nameof(Saliency));
        var result = new float[inputs.Length];
        Inputs.ForEachBatch(inputs, InternalBatchSize, (chunk, offset) =>
        {
            var g = _score.Backward(chunk, target);
            var x = chunk.AsReadOnlySpan();
            for (int i = 0; i < g.Input.Length; i++)
            {
                result[offset + i] = Mode switch
                {
                    SaliencyMode.AbsoluteGradient => MathF.Abs(g.Input[i]),
                    SaliencyMode.GradientTimesInput => g.Input[i] * x[i],
                    _ => g.Input[i],
                };
            }
        });
        return new Attribution(Tensor.Wrap(result, inputs.Shape));
    }
}
