namespace Fovea.Vision.Formats;

/// <summary>An <c>&lt;object&gt;</c> of a Pascal VOC annotation: a class name and a box in VOC's pixel
/// coordinates (<c>bndbox</c> xmin, ymin, xmax, ymax; VOC's own files use 1-based, inclusive integer pixels).
/// </summary>
/// <param name="Name">The class name.</param>
/// <param name="XMin">Left edge.</param>
/// <param name="YMin">Top edge.</param>
/// <param name="XMax">Right edge.</param>
/// <param name="YMax">Bottom edge.</param>
/// <param name="Difficult">Marked difficult: VOC evaluation neither rewards nor penalises detecting it.</param>
/// <param name="Truncated">Marked truncated (extends beyond the image).</param>
/// <param name="Pose">The pose tag (VOC writes "Unspecified" when unknown).</param>
public sealed record VocObject(string Name, double XMin, double YMin, double XMax, double YMax,
    bool Difficult = false, bool Truncated = false, string Pose = "Unspecified");
