namespace Fovea.Vision.Metrics;

/// <summary>One detection for Pascal VOC evaluation: an image name, a class, a confidence and a box in the ground
/// truth's pixel coordinates (as a line of a VOC results file: <c>image score x1 y1 x2 y2</c>).</summary>
/// <param name="ImageId">The image name (the key of the ground-truth dictionary, e.g. "000005").</param>
/// <param name="ClassName">The predicted class.</param>
/// <param name="Score">Confidence; detections are taken highest first.</param>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
public sealed record VocDetection(string ImageId, string ClassName, double Score, double X1, double Y1, double X2,
    double Y2);
