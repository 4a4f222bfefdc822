namespace Fovea.Layers;

/// <summary>How <see cref="UpSampling2D"/> fills the new pixels (Keras <c>interpolation</c>).</summary>
public enum Interpolation
{
    /// <summary>Each input pixel repeated size times along each axis.</summary>
    Nearest,

    /// <summary>Bilinear with half-pixel centres (TensorFlow's resize, PyTorch <c>align_corners=False</c>): output
    /// pixel o samples input coordinate (o + ½)/size − ½, clamped to the image.</summary>
    Bilinear,
}
