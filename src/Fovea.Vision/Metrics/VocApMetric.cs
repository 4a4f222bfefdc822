namespace Fovea.Vision.Metrics;

/// <summary>How Pascal VOC turns a precision/recall curve into AP.</summary>
public enum VocApMetric
{
    /// <summary>VOC2007: the mean over recall 0, 0.1, ..., 1 of the highest precision at that recall or above
    /// (0 where no detection reaches it).</summary>
    ElevenPoint,

    /// <summary>VOC2010 and later: the area under the monotone precision envelope (each precision replaced by the
    /// highest precision at that recall or above), summed where recall changes.</summary>
    AllPoint,
}
