namespace Fovea.Data;

/// <summary>How <see cref="ImageFolder"/> brings images of any size to the requested height × width.</summary>
public enum ImageResize
{
    /// <summary>Scale (keeping the aspect ratio) until the image covers the requested size, then cut out the
    /// centre (torchvision's <c>Resize</c> + <c>CenterCrop</c>, Keras' <c>crop_to_aspect_ratio</c>).</summary>
    CenterCrop,

    /// <summary>Scale each axis to the requested size, distorting the aspect ratio (Keras' default).</summary>
    Stretch,
}
