namespace Fovea.Vision.Formats;

/// <summary>A COCO box: top-left corner and size in pixels, <c>[x, y, width, height]</c> as COCO JSON writes it.
/// </summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width (x + width is the right edge).</param>
/// <param name="Height">Height (y + height is the bottom edge).</param>
public readonly record struct CocoBox(double X, double Y, double Width, double Height)
{
    /// <summary>Width × height (what pycocotools' <c>loadRes</c> gives a detection as its <c>area</c>).</summary>
    public double Area => Width * Height;

    /// <summary>Builds the box from corners <c>(x1, y1, x2, y2)</c>.</summary>
    public static CocoBox FromXyxy(double x1, double y1, double x2, double y2) => new(x1, y1, x2 - x1, y2 - y1);

    /// <summary>The corners <c>(x1, y1, x2, y2)</c>.</summary>
    public (double X1, double Y1, double X2, double Y2) ToXyxy() => (X, Y, X + Width, Y + Height);
}
