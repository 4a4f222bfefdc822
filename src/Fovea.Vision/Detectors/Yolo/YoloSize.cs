namespace Fovea.Vision.Detectors.Yolo;

/// <summary>The sizes of the YOLO-style detector (width and depth multipliers of <see cref="YoloNetwork.Scale"/>):
/// yolo-n, yolo-s, yolo-m.</summary>
public enum YoloSize
{
    /// <summary>yolo-n: depth 0.33, width 0.25.</summary>
    N,

    /// <summary>yolo-s: depth 0.33, width 0.5.</summary>
    S,

    /// <summary>yolo-m: depth 0.67, width 0.75 (at most 768 channels).</summary>
    M,
}
