namespace Fovea.Vision.Datasets;

/// <summary>How <see cref="FashionDetection"/> composes its images.</summary>
public sealed record FashionDetectionOptions
{
    /// <summary>Canvas width in pixels (default 320).</summary>
    public int CanvasWidth { get; init; } = 320;

    /// <summary>Canvas height in pixels (default 320).</summary>
    public int CanvasHeight { get; init; } = 320;

    /// <summary>Fewest objects an image tries to place (default 3).</summary>
    public int MinObjects { get; init; } = 3;

    /// <summary>Most objects an image tries to place (default 10).</summary>
    public int MaxObjects { get; init; } = 10;

    /// <summary>Smallest longer side of an object, in pixels (default 8).</summary>
    public int MinObjectSize { get; init; } = 8;

    /// <summary>Largest longer side of an object, in pixels (default 120); sizes are log-uniform in between.</summary>
    public int MaxObjectSize { get; init; } = 120;

    /// <summary>Every annotated object keeps at least this fraction of its pixels visible (default 0.5): a placement
    /// that would hide more of an earlier object is retried elsewhere, then given up.</summary>
    public double MinVisibleFraction { get; init; } = 0.5;

    /// <summary>Most background clutter shapes (ellipses, bars, rings) under the objects (default 14).</summary>
    public int MaxClutter { get; init; } = 14;

    /// <summary>Throws a <see cref="FoveaException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (CanvasWidth < 32 || CanvasHeight < 32)
            throw new FoveaException($"FashionDetectionOptions: canvas {CanvasWidth}x{CanvasHeight}; expected at " +
                "least 32x32");
        if (MinObjects < 0 || MaxObjects < MinObjects)
            throw new FoveaException($"FashionDetectionOptions: objects [{MinObjects}, {MaxObjects}]; expected " +
                "0 ≤ min ≤ max");
        if (MinObjectSize < 4 || MaxObjectSize < MinObjectSize || MaxObjectSize > Math.Min(CanvasWidth, CanvasHeight))
            throw new FoveaException($"FashionDetectionOptions: object size [{MinObjectSize}, {MaxObjectSize}]; " +
                "expected 4 ≤ min ≤ max ≤ the canvas side");
        if (MinVisibleFraction is < 0 or > 1)
            throw new FoveaException($"FashionDetectionOptions: MinVisibleFraction {MinVisibleFraction}; expected " +
                "[0, 1]");
        if (MaxClutter < 0)
            throw new FoveaException($"FashionDetectionOptions: MaxClutter {MaxClutter}; expected ≥ 0");
    }
}
