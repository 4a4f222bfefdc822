using Fovea.Vision.Datasets;
using Fovea.Vision.Detection;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>Image files for the detectors: PNG/JPEG read as [3, H, W] floats in [0, 1] (SkiaSharp), and the
/// bilinear resize to the detector's square input.</summary>
public static class ImageFiles
{
    /// <summary>Reads an RGB image as [3, H, W] in [0, 1].</summary>
    public static (float[] Chw, int Height, int Width) ReadRgb(string path)
    {
        if (!File.Exists(path))
            throw new FoveaException($"ImageFiles: '{path}' does not exist");
        return PngFiles.ReadRgb(path);
    }

    /// <summary>Resizes [3, H, W] to [3, size, size] (bilinear, half-pixel centres); returns the input when it
    /// already has that size.</summary>
    public static float[] Resize(float[] chw, int height, int width, int size) =>
        height == size && width == size ? chw : ImageResampling.Resize(chw, 3, height, width, size, size);
}
