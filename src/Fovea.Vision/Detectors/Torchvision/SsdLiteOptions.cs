namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// The keyword arguments of torchvision's <c>ssdlite320_mobilenet_v3_large</c> that matter in eval mode, with its
/// defaults (the input size is fixed at 320×320 by the builder).
/// </summary>
public sealed record SsdLiteOptions
{
    /// <summary>Classes including the background (class 0); <c>num_classes</c>, 91 for COCO.</summary>
    public int NumClasses { get; init; } = 91;

    /// <summary><c>score_thresh</c>: detections need a class probability above this.</summary>
    public float ScoreThreshold { get; init; } = 0.001f;

    /// <summary><c>nms_thresh</c>: per-class NMS threshold.</summary>
    public double NmsThreshold { get; init; } = 0.55;

    /// <summary><c>detections_per_img</c>.</summary>
    public int DetectionsPerImage { get; init; } = 300;

    /// <summary><c>topk_candidates</c>: candidates kept per class before NMS.</summary>
    public int TopKCandidates { get; init; } = 300;

    /// <summary><c>image_mean</c> (maps [0, 1] to [−1, 1] with the default <see cref="ImageStd"/>).</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = [0.5f, 0.5f, 0.5f];

    /// <summary><c>image_std</c>.</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = [0.5f, 0.5f, 0.5f];
}
