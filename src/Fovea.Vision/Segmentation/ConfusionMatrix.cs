using Fovea.Tensors;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// One confusion matrix accumulated over a whole dataset (not an average of per-image scores): entry [t, p] counts
/// the pixels of true class t predicted as p, pixels whose target is <see cref="IgnoreIndex"/> left out. From it, per
/// class c with TP = [c, c], FP = Σ column c − TP, FN = Σ row c − TP: IoU_c = TP/(TP + FP + FN) and Dice_c (F1) =
/// 2TP/(2TP + FP + FN), NaN for a class neither true nor predicted anywhere; the means skip NaN (NumPy's
/// <c>nanmean</c>); pixel accuracy = Σ TP / Σ all.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <summary>An empty matrix for <paramref name="classes"/> classes.</summary>
    /// <param name="classes">Number of classes C (background included).</param>
    /// <param name="ignoreIndex">Target value of pixels left out (Pascal VOC: 255).</param>
    public ConfusionMatrix(int classes, int ignoreIndex = -100)
    {
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "ConfusionMatrix: classes must be ≥ 1");
        Classes = classes;
        IgnoreIndex = ignoreIndex;
        _counts = new long[classes * classes];
    }

    /// <summary>The number of classes C.</summary>
    public int Classes { get; }

    /// <summary>The ignored target value.</summary>
    public int IgnoreIndex { get; }

    /// <summary>Pixels counted so far.</summary>
    public long Total => _counts.Sum();

    /// <summary>Pixels of true class <paramref name="trueClass"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int trueClass, int predicted] => _counts[trueClass * Classes + predicted];

    /// <summary>Forgets every count.</summary>
    public void Reset() => Array.Clear(_counts);

    /// <summary>
    /// Adds a batch: <paramref name="prediction"/> is either logits or scores [N, C, H, W] (the predicted class is
    /// the arg-max over C, the first on ties) or class indices of the target's shape; <paramref name="target"/>
    /// holds class indices [N, H, W] (or [N, 1, H, W]) as floats.
    /// </summary>
    /// <exception cref="FoveaException">Shapes that do not match, or a label outside [0, C) that is not ignored.
    /// </exception>
    public void Update(Tensor prediction, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        var t = target.AsReadOnlySpan();
        if (prediction.Rank == 4 && prediction.Shape[1] == Classes && prediction.Shape != target.Shape
            && t.Length == prediction.Length / Classes && target.Shape[0] == prediction.Shape[0])
        {
            Update(ArgMax(prediction), t);
            return;
        }
        if (prediction.Length != target.Length || prediction.Shape[0] != target.Shape[0])
            throw new FoveaException($"ConfusionMatrix: expected predictions [N, {Classes}, H, W] or class indices " +
                $"of the target's shape {target.Shape}, received {prediction.Shape}");
        var p = prediction.AsReadOnlySpan();
        var labels = new int[p.Length];
        for (int i = 0; i < p.Length; i++)
            labels[i] = Label(p[i], i, "prediction", allowIgnore: false);
        Update(labels, t);
    }

    private void Update(int[] predicted, ReadOnlySpan<float> target)
    {
        for (int i = 0; i < predicted.Length; i++)
        {
            int k = Label(target[i], i, "target", allowIgnore: true);
            if (k >= 0)
                _counts[k * Classes + predicted[i]]++;
        }
    }

    private int Label(float v, int i, string what, bool allowIgnore)
    {
        int k = (int)v;
        if (v == k && allowIgnore && k == IgnoreIndex)
            return -1;
        if (v != k || k < 0 || k >= Classes)
            throw new FoveaException($"ConfusionMatrix: {what} {i} is {v}; expected a class index in [0, {Classes})" +
                (allowIgnore ? $" or the ignore index {IgnoreIndex}" : ""));
        return k;
    }

    private int[] ArgMax(Tensor scores)
    {
        var s = scores.AsReadOnlySpan();
        var (n, plane) = (scores.Shape[0], scores.Shape[2] * scores.Shape[3]);
        var labels = new int[n * plane];
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < plane; i++)
            {
                int best = 0;
                float top = s[b * Classes * plane + i];
                for (int c = 1; c < Classes; c++)
                {
                    float v = s[(b * Classes + c) * plane + i];
                    if (v > top)
                        (best, top) = (c, v);
                }
                labels[b * plane + i] = best;
            }
        }
        return labels;
    }

    private (long Tp, long Fp, long Fn) Counts(int c)
    {
        long tp = this[c, c];
        long row = 0;
        long column = 0;
        for (int k = 0; k < Classes; k++)
        {
            row += this[c, k];
            column += this[k, c];
        }
        return (tp, column - tp, row - tp);
    }

    /// <summary>IoU of every class: TP/(TP + FP + FN); NaN for a class neither true nor predicted.</summary>
    public double[] IoU() => Enumerable.Range(0, Classes).Select(c =>
    {
        var (tp, fp, fn) = Counts(c);
        return tp + fp + fn == 0 ? double.NaN : tp / (double)(tp + fp + fn);
    }).ToArray();

    /// <summary>Dice (F1) of every class: 2TP/(2TP + FP + FN); NaN for a class neither true nor predicted.</summary>
    public double[] Dice() => Enumerable.Range(0, Classes).Select(c =>
    {
        var (tp, fp, fn) = Counts(c);
        return tp + fp + fn == 0 ? double.NaN : 2.0 * tp / (2 * tp + fp + fn);
    }).ToArray();

    /// <summary>The mean IoU over the classes whose IoU is defined (NaN when none is).</summary>
    public double MeanIoU => NanMean(IoU());

    /// <summary>The mean Dice (F1) over the classes whose Dice is defined.</summary>
    public double MeanDice => NanMean(Dice());

    /// <summary>Correct pixels / counted pixels (NaN before any pixel).</summary>
    public double PixelAccuracy
    {
        get
        {
            long total = Total;
            long correct = 0;
            for (int c = 0; c < Classes; c++)
                correct += this[c, c];
            return total == 0 ? double.NaN : correct / (double)total;
        }
    }

    private static double NanMean(double[] values)
    {
        var defined = values.Where(v => !double.IsNaN(v)).ToList();
        return defined.Count == 0 ? double.NaN : defined.Average();
    }
}
