using Fovea.Tensors;

namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// The detections of one image as torchvision returns them in eval mode: <c>boxes</c> [K, 4] (x1, y1, x2, y2, pixels
/// of the original image), <c>labels</c> (class indices, 0 is the background and never returned) and <c>scores</c>,
/// by decreasing score.
/// </summary>
/// <param name="Boxes">[K, 4] boxes.</param>
/// <param name="Labels">K class indices.</param>
/// <param name="Scores">K scores, decreasing.</param>
public sealed record Detections(Tensor Boxes, int[] Labels, float[] Scores)
{
    /// <summary>Number of detections.</summary>
    public int Count => Scores.Length;
}
