namespace Fovea.Data;

/// <summary>The channels an image is decoded to (Keras' <c>color_mode</c>).</summary>
public enum ColorMode
{
    /// <summary>Three channels, red, green, blue: images [3, H, W].</summary>
    Rgb,

    /// <summary>One channel of luma, L = 0.299·R + 0.587·G + 0.114·B (ITU-R 601, as PIL's "L"): [1, H, W].
    /// </summary>
    Grayscale,
}
