using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// Class activation maps of a named layer (Captum's <c>LayerGradCam(model, model.layer4)</c>): Grad-CAM, Grad-CAM++,
/// HiResCAM or LayerCAM (<see cref="CamMethod"/>) for the target logit (pre-softmax). The layer may be named as in
/// the model ("layer4.1.relu2") or as a torchvision module ("layer4", "features": the output of its last layer). The
/// result holds the maps at the layer's resolution, [N, 1, h, w], after the ReLU and before any upsampling or
/// normalisation (<see cref="Maps.Upsample"/>, <see cref="Maps.Normalize"/>). Cost: one forward pass and the part
/// of one backward pass from the logits down to the layer (no input or weight gradients) per batch of
/// <see cref="InternalBatchSize"/> samples.
/// </summary>
/// <param name="model">The model.</param>
/// <param name="layer">The layer (or torchvision module) whose output is explained; it must have a [N, C, h, w]
/// output.</param>
/// <param name="method">Which map (default Grad-CAM).</param>
public sealed class GradCam(Model model, string layer, CamMethod method = CamMethod.GradCam) : IAttributionMethod
{
    private readonly ClassScore _score = new(model);

    /// <summary>The model layer whose output is used.</summary>
    public string Layer { get; } = LayerNames.Resolve(model, layer);

    /// <summary>Which map.</summary>
    public CamMethod Method { get; } = method;

    /// <summary>Apply ReLU to the maps (default true, as the papers do; Captum's <c>relu_attributions</c>).</summary>
    public bool Relu { get; init; } = true;

    /// <summary>Samples per forward/backward pass (default 32).</summary>
    public int InternalBatchSize { get; init; } = 32;

    /// <inheritdoc/>
    public Attribution Attribute(Tensor inputs, int target)
    {
        Inputs.Check(inputs, nameof(GradCam));
        float[]? maps = null;
        Shape mapShape = default;
        Inputs.ForEachBatch(inputs, InternalBatchSize, (chunk, offset) =>
        {
            var g = _score.Backward(chunk, target, Layer, inputGradient: false);
            if (g.LayerShape.Rank != 4)
                throw new FoveaException($"GradCam: layer '{Layer}' has output {g.LayerShape}; expected [N, C, h, w]");
            int c = g.LayerShape[1], hw = g.LayerShape[2] * g.LayerShape[3];
            if (maps is null)
            {
                mapShape = new Shape(inputs.Shape[0], 1, g.LayerShape[2], g.LayerShape[3]);
                maps = new float[mapShape.Length];
            }
            int first = offset / (inputs.Length / inputs.Shape[0]);
            for (int i = 0; i < chunk.Shape[0]; i++)
            {
                var a = g.Layer.AsSpan(i * c * hw, c * hw);
                var grad = g.LayerGrad.AsSpan(i * c * hw, c * hw);
                Map(a, grad, c, hw, maps.AsSpan((first + i) * hw, hw));
            }
        });
        return new Attribution(Tensor.Wrap(maps!, mapShape));
    }

    private void Map(ReadOnlySpan<float> a, ReadOnlySpan<float> g, int channels, int hw, Span<float> map)
    {
        var acc = new double[hw];
        for (int c = 0; c < channels; c++)
        {
            var ac = a.Slice(c * hw, hw);
            var gc = g.Slice(c * hw, hw);
            switch (Method)
            {
                case CamMethod.GradCam:
                {
                    double w = 0;
                    foreach (float v in gc)
                        w += v;
                    w /= hw;
                    for (int j = 0; j < hw; j++)
                        acc[j] += w * ac[j];
                    break;
                }
                case CamMethod.GradCamPlusPlus:
                {
                    double sumA = 0;
                    foreach (float v in ac)
                        sumA += v;
                    double w = 0;
                    for (int j = 0; j < hw; j++)
                    {
                        double g1 = gc[j], g2 = g1 * g1, g3 = g2 * g1;
                        double den = 2 * g2 + sumA * g3;
                        double alpha = den != 0 ? g2 / den : 0;
                        w += alpha * Math.Max(g1, 0);
                    }
                    for (int j = 0; j < hw; j++)
                        acc[j] += w * ac[j];
                    break;
                }
                case CamMethod.HiResCam:
                    for (int j = 0; j < hw; j++)
                        acc[j] += (double)gc[j] * ac[j];
                    break;
                default:
                    for (int j = 0; j < hw; j++)
                        acc[j] += Math.Max(gc[j], 0.0) * ac[j];
                    break;
            }
        }
        for (int j = 0; j < hw; j++)
            map[j] = (float)(Relu ? Math.Max(acc[j], 0) : acc[j]);
    }
}
