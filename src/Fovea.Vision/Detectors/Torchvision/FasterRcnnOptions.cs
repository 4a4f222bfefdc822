namespace Fovea.Vision.Detectors.Torchvision;

/// <summary>
/// The keyword arguments of torchvision's <c>FasterRCNN</c> that matter in eval mode, with torchvision's defaults
/// (<c>fasterrcnn_mobilenet_v3_large_fpn</c> changes <see cref="RpnScoreThreshold"/> to 0.05; see
/// <see cref="FasterRcnn.MobileNetV3LargeFpn"/>).
/// </summary>
public sealed record FasterRcnnOptions
{
    /// <summary>Classes including the background (class 0); <c>num_classes</c>, 91 for COCO.</summary>
    public int NumClasses { get; init; } = 91;

    /// <summary><c>min_size</c>: target length of the shorter image side.</summary>
    public int MinSize { get; init; } = 800;

    /// <summary><c>max_size</c>: longest allowed longer side.</summary>
    public int MaxSize { get; init; } = 1333;

    /// <summary><c>image_mean</c>.</summary>
    public IReadOnlyList<float> ImageMean { get; init; } = [0.485f, 0.456f, 0.406f];

    /// <summary><c>image_std</c>.</summary>
    public IReadOnlyList<float> ImageStd { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary><c>rpn_pre_nms_top_n_test</c>: proposals kept per level before NMS.</summary>
    public int RpnPreNmsTopN { get; init; } = 1000;

    /// <summary><c>rpn_post_nms_top_n_test</c>: proposals kept per image after NMS.</summary>
    public int RpnPostNmsTopN { get; init; } = 1000;

    /// <summary><c>rpn_nms_thresh</c>.</summary>
    public double RpnNmsThreshold { get; init; } = 0.7;

    /// <summary><c>rpn_score_thresh</c>: proposals need an objectness probability at least this.</summary>
    public float RpnScoreThreshold { get; init; }

    /// <summary><c>box_score_thresh</c>: detections need a class probability above this.</summary>
    public float BoxScoreThreshold { get; init; } = 0.05f;

    /// <summary><c>box_nms_thresh</c>: per-class NMS threshold.</summary>
    public double BoxNmsThreshold { get; init; } = 0.5;

    /// <summary><c>box_detections_per_img</c>.</summary>
    public int DetectionsPerImage { get; init; } = 100;

    /// <summary><c>rpn_pre_nms_top_n_train</c>: proposals kept per level before NMS in training.</summary>
    public int RpnPreNmsTopNTrain { get; init; } = 2000;

    /// <summary><c>rpn_post_nms_top_n_train</c>: proposals kept per image after NMS in training.</summary>
    public int RpnPostNmsTopNTrain { get; init; } = 2000;

    /// <summary><c>rpn_fg_iou_thresh</c>: anchors with IoU ≥ this with a ground-truth box are positive.</summary>
    public float RpnFgIouThreshold { get; init; } = 0.7f;

    /// <summary><c>rpn_bg_iou_thresh</c>: anchors whose best IoU is below this are negative.</summary>
    public float RpnBgIouThreshold { get; init; } = 0.3f;

    /// <summary><c>rpn_batch_size_per_image</c>: anchors sampled per image for the RPN losses.</summary>
    public int RpnBatchSizePerImage { get; init; } = 256;

    /// <summary><c>rpn_positive_fraction</c>: largest share of positives in the sampled anchors.</summary>
    public float RpnPositiveFraction { get; init; } = 0.5f;

    /// <summary><c>box_fg_iou_thresh</c>: proposals with IoU ≥ this with a ground-truth box take its class.</summary>
    public float BoxFgIouThreshold { get; init; } = 0.5f;

    /// <summary><c>box_bg_iou_thresh</c>: proposals whose best IoU is below this are background.</summary>
    public float BoxBgIouThreshold { get; init; } = 0.5f;

    /// <summary><c>box_batch_size_per_image</c>: proposals sampled per image for the box-head losses.</summary>
    public int BoxBatchSizePerImage { get; init; } = 512;

    /// <summary><c>box_positive_fraction</c>: largest share of positives in the sampled proposals.</summary>
    public float BoxPositiveFraction { get; init; } = 0.25f;
}
