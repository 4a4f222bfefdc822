using System.Numerics.Tensors;

namespace Fovea.Kernels;

/// <summary>
/// Pixel and label arithmetic of the data augmentations, on images x [C, H, W] (planes one after another) and
/// batches [B, ...]. Each method is the definition written as a plain loop (there is no faster twin to check):
/// flips, pad-and-crop with a <see cref="BorderMode"/>, rectangle fill and copy, y = clamp(x·scale + shift),
/// blends and label mixing. Geometry (rotation, shift, zoom) lives in <see cref="AffineResampler"/>.
/// </summary>
internal static class AugmentKernels
{
    /// <summary>y = x mirrored left-right and/or top-bottom. x and y must not overlap.</summary>
    public static void Flip(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, bool horizontal, bool vertical)
    {
        for (int p = 0; p < c; p++)
        {
            for (int row = 0; row < h; row++)
            {
                var source = x.Slice((p * h + (vertical ? h - 1 - row : row)) * w, w);
                var target = y.Slice((p * h + row) * w, w);
                source.CopyTo(target);
                if (horizontal)
                    target.Reverse();
            }
        }
    }

    /// <summary>
    /// y[p, i, j] = x[p, i + top, j + left] for y [C, OH, OW]; rows and columns outside x are read through
    /// <paramref name="border"/> (<paramref name="fill"/> when constant). A pad-then-crop is top = offset − pad.
    /// </summary>
    public static void Crop(ReadOnlySpan<float> x, Span<float> y, int c, int h, int w, int oh, int ow, int top,
        int left, BorderMode border, float fill)
    {
        Span<int> columns = ow <= 1024 ? stackalloc int[ow] : new int[ow];
        for (int j = 0; j < ow; j++)
            columns[j] = AffineResampler.MapIndex(j + left, w, border);
        for (int p = 0; p < c; p++)
        {
            for (int i = 0; i < oh; i++)
            {
                var target = y.Slice((p * oh + i) * ow, ow);
                int row = AffineResampler.MapIndex(i + top, h, border);
                if (row < 0)
                {
                    target.Fill(fill);
                    continue;
                }
                var source = x.Slice((p * h + row) * w, w);
                for (int j = 0; j < ow; j++)
                    target[j] = columns[j] < 0 ? fill : source[columns[j]];
            }
        }
    }

    /// <summary>Sets rows [top, top + rh) × columns [left, left + rw) of every plane to <paramref name="value"/>,
    /// clipped to the image.</summary>
    public static void FillRectangle(Span<float> y, int c, int h, int w, int top, int left, int rh, int rw,
        float value)
    {
        var (r0, r1, c0, c1) = Clip(h, w, top, left, rh, rw);
        for (int p = 0; p < c; p++)
        {
            for (int i = r0; i < r1; i++)
                y.Slice((p * h + i) * w + c0, c1 - c0).Fill(value);
        }
    }

    /// <summary>Copies rows [top, top + rh) × columns [left, left + rw) of every plane from
    /// <paramref name="source"/> to <paramref name="y"/> (same shape), clipped to the image.</summary>
    public static void CopyRectangle(ReadOnlySpan<float> source, Span<float> y, int c, int h, int w, int top,
        int left, int rh, int rw)
    {
        var (r0, r1, c0, c1) = Clip(h, w, top, left, rh, rw);
        for (int p = 0; p < c; p++)
        {
            for (int i = r0; i < r1; i++)
            {
                int start = (p * h + i) * w + c0;
                source.Slice(start, c1 - c0).CopyTo(y.Slice(start, c1 - c0));
            }
        }
    }

    /// <summary>The rectangle clipped to an h×w image, as row and column ranges [r0, r1) × [c0, c1).</summary>
    public static (int R0, int R1, int C0, int C1) Clip(int h, int w, int top, int left, int rh, int rw)
    {
        int r0 = Math.Clamp(top, 0, h), r1 = Math.Clamp(top + rh, r0, h);
        int c0 = Math.Clamp(left, 0, w), c1 = Math.Clamp(left + rw, c0, w);
        return (r0, r1, c0, c1);
    }

    /// <summary>y = clamp(x·scale + shift, low, high) (x and y may be the same span).</summary>
    public static void ScaleShift(ReadOnlySpan<float> x, Span<float> y, float scale, float shift, float low,
        float high)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = Math.Clamp(x[i] * scale + shift, low, high);
    }

    /// <summary>The mean of x, accumulated in double.</summary>
    public static double Mean(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
            sum += v;
        return x.IsEmpty ? 0 : sum / x.Length;
    }

    /// <summary>y = λ·a + (1 − λ)·b elementwise (y may be a or b).</summary>
    public static void Blend(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, float lambda) =>
        TensorPrimitives.Lerp(b, a, lambda, y);

    /// <summary>
    /// Soft labels out [B, K]: row i = λ·t(i) + (1 − λ)·t(partner[i]), where t(j) is the one-hot row of class
    /// labels[j] when <paramref name="width"/> is 0 (labels [B]), else row j of labels [B, K].
    /// </summary>
    public static void MixLabels(ReadOnlySpan<float> labels, int width, int classes, ReadOnlySpan<int> partner,
        float lambda, Span<float> output)
    {
        output.Clear();
        for (int i = 0; i < partner.Length; i++)
        {
            var row = output.Slice(i * classes, classes);
            AddTarget(labels, width, i, lambda, row);
            AddTarget(labels, width, partner[i], 1 - lambda, row);
        }
    }

    private static void AddTarget(ReadOnlySpan<float> labels, int width, int sample, float weight, Span<float> row)
    {
        if (width == 0)
        {
            row[(int)labels[sample]] += weight;
            return;
        }
        var source = labels.Slice(sample * width, width);
        for (int k = 0; k < width; k++)
            row[k] += weight * source[k];
    }
}
