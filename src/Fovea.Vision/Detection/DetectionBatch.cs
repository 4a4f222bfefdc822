using Fovea.Tensors;

namespace Fovea.Vision.Detection;

/// <summary>A batch of detection samples: images stacked to [N, C, H, W] (all the same size), and a list per image
/// of its boxes [Mᵢ, 4] and labels, since each image holds its own number of objects.</summary>
/// <param name="Images">[N, C, H, W].</param>
/// <param name="Boxes">Per image, [Mᵢ, 4] (x1, y1, x2, y2) in pixels.</param>
/// <param name="Labels">Per image, Mᵢ labels.</param>
public sealed record DetectionBatch(Tensor Images, IReadOnlyList<Tensor> Boxes,
    IReadOnlyList<IReadOnlyList<int>> Labels)
{
    /// <summary>Number of images N.</summary>
    public int Count => Boxes.Count;
}
