using Fovea.Tensors;

namespace Fovea.Vision.Detection;

/// <summary>Bilinear resampling of [C, H, W] float images (half-pixel centres, as PyTorch's
/// <c>interpolate(mode="bilinear", align_corners=False)</c> without antialiasing), for the augmentations.</summary>
internal static class ImageResampling
{
    /// <summary>Resizes <paramref name="image"/> [C, H, W] to [C, outHeight, outWidth].</summary>
    public static float[] Resize(ReadOnlySpan<float> image, int channels, int height, int width, int outHeight,
        int outWidth)
    {
        var result = new float[channels * outHeight * outWidth];
        double sy = (double)height / outHeight, sx = (double)width / outWidth;
        for (int y = 0; y < outHeight; y++)
        {
            double fy = Math.Max((y + 0.5) * sy - 0.5, 0);
            int y0 = Math.Min((int)fy, height - 1);
            int y1 = Math.Min(y0 + 1, height - 1);
            float wy = (float)(fy - y0);
            for (int x = 0; x < outWidth; x++)
            {
                double fx = Math.Max((x + 0.5) * sx - 0.5, 0);
                int x0 = Math.Min((int)fx, width - 1);
                int x1 = Math.Min(x0 + 1, width - 1);
                float wx = (float)(fx - x0);
                for (int c = 0; c < channels; c++)
                {
                    int plane = c * height * width;
                    float top = image[plane + y0 * width + x0] * (1 - wx) + image[plane + y0 * width + x1] * wx;
                    float bottom = image[plane + y1 * width + x0] * (1 - wx) + image[plane + y1 * width + x1] * wx;
                    result[(c * outHeight + y) * outWidth + x] = top * (1 - wy) + bottom * wy;
                }
            }
        }
        return result;
    }

    /// <summary>Copies the window of <paramref name="source"/> [C, H, W] starting at (top, left) (which may lie
    /// partly outside) into a new [C, outHeight, outWidth] image filled with <paramref name="fill"/> elsewhere.
    /// </summary>
    public static float[] Window(ReadOnlySpan<float> source, int channels, int height, int width, int top, int left,
        int outHeight, int outWidth, float fill)
    {
        var result = new float[channels * outHeight * outWidth];
        result.AsSpan().Fill(fill);
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < outHeight; y++)
            {
                int sy = y + top;
                if (sy < 0 || sy >= height)
                    continue;
                int x0 = Math.Max(0, -left), x1 = Math.Min(outWidth, width - left);
                if (x1 <= x0)
                    continue;
                source.Slice((c * height + sy) * width + left + x0, x1 - x0)
                    .CopyTo(result.AsSpan((c * outHeight + y) * outWidth + x0, x1 - x0));
            }
        }
        return result;
    }

    public static Tensor ToTensor(float[] data, int channels, int height, int width) =>
        Tensor.FromArray(data, [channels, height, width]);
}
