using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Explain;

/// <summary>
/// Deletion and insertion curves (Petsiuk et al. 2018, RISE): pixels are ranked by attribution (a map [N, 1, h, w] is
/// upsampled to the image; [N, C, H, W] attributions are summed in absolute value over channels), then removed from the
/// image most important first (deletion: set to <c>baseline</c>) or revealed on the baseline (insertion), in
/// <c>steps</c> equal steps, and the softmax probability of the target class is recorded. The area under each curve
/// (trapezoid rule on [0, 1]) is the score: a faithful attribution gives a low deletion AUC and a high insertion AUC;
/// compare with <see cref="RandomMaps"/>.
/// </summary>
public static class Faithfulness
{
    /// <summary>Mean deletion and insertion AUC over the samples.</summary>
    public static (double Deletion, double Insertion) DeletionInsertion(Model model, Tensor inputs, int target,
        Tensor attributions, int steps = 28, float baseline = 0f, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(model);
        Inputs.Check(inputs, nameof(Faithfulness));
        if (inputs.Rank != 4 || attributions.Rank != 4 || attributions.Shape[0] != inputs.Shape[0])
            throw new FoveaException("Faithfulness: expected images [N, C, H, W] and attributions " +
                $"[N, 1 or C, h, w], received {inputs.Shape} and {attributions.Shape}");
        int n = inputs.Shape[0], c = inputs.Shape[1], h = inputs.Shape[2], w = inputs.Shape[3], plane = h * w;
        var score = new ClassScore(model);
        var pixel = attributions.Shape[1] == 1
            ? Maps.Upsample(attributions, h, w)
            : Tensor.Wrap(Overlay.PixelMaps(attributions).ToArray(), [n, 1, h, w]);
        if (pixel.Shape[2] != h || pixel.Shape[3] != w)
            pixel = Maps.Upsample(pixel, h, w);
        double del = 0, ins = 0;
        var sampleShape = inputs.Shape.WithoutBatch();
        for (int i = 0; i < n; i++)
        {
            var x = Inputs.Sample(inputs, i).ToArray();
            var m = pixel.AsReadOnlySpan().Slice(i * plane, plane).ToArray();
            var order = Enumerable.Range(0, plane).OrderByDescending(p => m[p]).ThenBy(p => p).ToArray();
            var rank = new int[plane];
            for (int r = 0; r < plane; r++)
                rank[order[r]] = r;
            Tensor Curve(bool insertion)
            {
                var points = new float[(steps + 1) * x.Length];
                for (int s = 0; s <= steps; s++)
                {
                    int k = (int)Math.Round((double)s * plane / steps);
                    var dst = points.AsSpan(s * x.Length, x.Length);
                    for (int ch = 0; ch < c; ch++)
                    for (int p = 0; p < plane; p++)
                    {
                        bool changed = rank[p] < k;
                        bool original = insertion ? changed : !changed;
                        dst[ch * plane + p] = original ? x[ch * plane + p] : baseline;
                    }
                }
                return Tensor.Wrap(points, sampleShape.WithBatch(steps + 1));
            }
            del += Auc(score.Probabilities(Curve(false), target, batchSize));
            ins += Auc(score.Probabilities(Curve(true), target, batchSize));
        }
        return (del / n, ins / n);
    }

    /// <summary>Uniform random maps [N, 1, H, W] (seeded): the random-attribution reference.</summary>
    public static Tensor RandomMaps(Tensor inputs, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Tensor.RandomUniform([inputs.Shape[0], 1, inputs.Shape[2], inputs.Shape[3]], new Rng(seed));
    }

    private static double Auc(float[] curve)
    {
        double s = 0;
        for (int i = 1; i < curve.Length; i++)
            s += (curve[i] + curve[i - 1]) / 2.0;
        return s / (curve.Length - 1);
    }
}
