namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// The keyword arguments of torchvision's <c>RetinaNet</c> that matter in eval mode, with torchvision's defaults.
/// </summary>
public sealed record RetinaNetOptions
{
    /// <summary><c>num_classes</c> (91 for COCO); every class, 0 included, has its own sigmoid output.</summary>
    public int NumClasses { get; init; } = 91;

    /// <summary><c>min_size</c>: target length of the shorter image side.</summary>
    public int MinSize { get; init; } = 800;

    /// <summary><c>max_size</c>: longest allowed longer side.</summary>
    public int MaxSize { get; init; } = 1333;

    /// <summary><c>image_mean</c>.</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = [0.485f, 0.456f, 0.406f];

    /// <summary><c>image_std</c>.</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary><c>score_thresh</c>: candidates need a sigmoid score above this.</summary>
    public float ScoreThreshold { get; init; } = 0.05f;

    /// <summary><c>nms_thresh</c>: per-class NMS threshold.</summary>
    public double NmsThreshold { get; init; } = 0.5;

    /// <summary><c>detections_per_img</c>.</summary>
    public int DetectionsPerImage { get; init; } = 300;

    /// <summary><c>topk_candidates</c>: candidates kept per level before NMS.</summary>
    public int TopKCandidates { get; init; } = 1000;

    /// <summary>BatchNorm ε of the backbone: 1e-5 as torchvision builds the model; torchvision sets 0 when it loads
    /// its COCO_V1 weights (<c>overwrite_eps(model, 0.0)</c>), so use 0 with those.</summary>
    public float BatchNormEpsilon { get; init; } = 1e-5f;
}
