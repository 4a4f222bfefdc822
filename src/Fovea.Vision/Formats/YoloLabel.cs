namespace Fovea.Vision.Formats;

/// <summary>One line of a YOLO label file: a class index and a box as centre and size, each normalised by the image
/// size to [0, 1].</summary>
/// <param name="ClassId">Zero-based class index.</param>
/// <param name="CenterX">Box centre x / image width.</param>
/// <param name="CenterY">Box centre y / image height.</param>
/// <param name="Width">Box width / image width.</param>
/// <param name="Height">Box height / image height.</param>
public sealed record YoloLabel(int ClassId, double CenterX, double CenterY, double Width, double Height)
{
    /// <summary>From a pixel box (x1, y1, x2, y2) in an image of the given size.</summary>
    public static YoloLabel FromXyxy(int classId, double x1, double y1, double x2, double y2, int imageWidth,
        int imageHeight)
    {
        if (imageWidth <= 0 || imageHeight <= 0)
            throw new FoveaException($"YoloLabel.FromXyxy: image size {imageWidth}x{imageHeight}; expected positive");
        return new YoloLabel(classId, (x1 + x2) / 2 / imageWidth, (y1 + y2) / 2 / imageHeight,
            (x2 - x1) / imageWidth, (y2 - y1) / imageHeight);
    }

    /// <summary>The pixel box (x1, y1, x2, y2) in an image of the given size.</summary>
    public (double X1, double Y1, double X2, double Y2) ToXyxy(int imageWidth, int imageHeight) =>
        ((CenterX - Width / 2) * imageWidth, (CenterY - Height / 2) * imageHeight,
         (CenterX + Width / 2) * imageWidth, (CenterY + Height / 2) * imageHeight);
}
