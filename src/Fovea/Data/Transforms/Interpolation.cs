namespace Fovea.Data.Transforms;

/// <summary>How a geometric augmentation reads the original image between pixel centres.</summary>
public enum Interpolation
{
    /// <summary>Weighted mean of the four surrounding pixels (the default, as in Keras).</summary>
    Bilinear,

    /// <summary>The closest pixel: no blur, values unchanged (for masks and label images).</summary>
    Nearest,
}
