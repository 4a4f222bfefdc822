using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// Guided backpropagation (Springenberg et al. 2015): the gradient of the target logit with respect to the input,
/// with every ReLU's backward changed to pass only positive gradients where its input was positive:
/// ∂/∂x = 1[x &gt; 0] · max(∂/∂y, 0). Built on gradient hooks, not on a changed core: every layer whose output is a
/// ReLU (<see cref="ReLU"/> layers, <see cref="Activation"/>s of relu, <see cref="Conv2D"/>/<see cref="Dense"/> and
/// other layers with a relu <c>activation</c>, so also convolutions fused with their ReLU) has its output captured
/// and a hook clamps that output's gradient at 0; the ReLU's own backward then applies 1[y &gt; 0]. Each call of a
/// layer called several times is hooked. Other activations are left as they are.
/// </summary>
/// <param name="model">The model; its logits (pre-softmax) are explained.</param>
public sealed class GuidedBackprop(Model model) : IAttributionMethod
{
    private readonly ClassScore _score = new(model);
    private readonly string[] _relus = model.Layers.Where(IsRelu).Select(l => l.Name!).ToArray();

    /// <summary>The layers whose backward is guided (those ending in a ReLU).</summary>
    public IReadOnlyList<string> ReluLayers => _relus;

    /// <summary>Samples per forward/backward pass (default 32).</summary>
    public int InternalBatchSize { get; init; } = 32;

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target)
    {
        Inputs.Check(inputs, nameof(GuidedBackprop));
        var result = new float[inputs.Length];
        Inputs.ForEachBatch(inputs, InternalBatchSize, (chunk, offset) =>
        {
            var g = _score.Backward(chunk, target, null, _relus, ClampPositive);
            g.Input.CopyTo(result, offset);
        });
        return new Attribution(Tensor.Wrap(result, inputs.Shape));
    }

    private static Tensor? ClampPositive(Tensor grad)
    {
        var r = Tensor.Empty(grad.Shape);
        var src = grad.AsReadOnlySpan();
        var dst = r.AsSpan();
        for (int i = 0; i < src.Length; i++)
            dst[i] = Math.Max(src[i], 0f);
        return r;
    }

    /// <summary>Whether a layer's output is a ReLU of something.</summary>
    internal static bool IsRelu(Layer layer) => layer.Name is not null && layer switch
    {
        ReLU => true,
        Activation a => a.Function.Name == "relu",
        BaseConv2D c => c.Activation?.Name == "relu",
        Dense d => d.Activation?.Name == "relu",
        _ => false,
    };
}
