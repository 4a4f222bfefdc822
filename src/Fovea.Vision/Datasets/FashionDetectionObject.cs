using Fovea.Vision.Formats;

namespace Fovea.Vision.Datasets;

/// <summary>One object of a <see cref="FashionDetectionImage"/>.</summary>
/// <param name="ClassIndex">Fashion-MNIST class index 0–9 (COCO category id and mask value are ClassIndex + 1).
/// </param>
/// <param name="Box">Tight box around its visible pixels (COCO [x, y, w, h], integer pixel edges).</param>
/// <param name="Area">Number of its visible pixels (the COCO <c>area</c>, smaller than w×h).</param>
public sealed record FashionDetectionObject(int ClassIndex, CocoBox Box, int Area);
