namespace Fovea.Vision.Formats;

/// <summary>One entry of a COCO results list: a detection with its confidence.</summary>
/// <param name="ImageId">The image it was found in.</param>
/// <param name="CategoryId">The predicted category.</param>
/// <param name="Box">The predicted box, <c>bbox</c> [x, y, w, h].</param>
/// <param name="Score">Its confidence; evaluation ranks detections by it, highest first.</param>
public sealed record CocoDetection(long ImageId, int CategoryId, CocoBox Box, double Score);
