namespace Fovea.Autograd;

/// <summary>Interpolation of <see cref="Functional.Resize"/> (ONNX Resize modes).</summary>
public enum ResizeMode
{
    /// <summary>The nearest input sample (see <see cref="NearestRounding"/>).</summary>
    Nearest,

    /// <summary>Linear interpolation along each resized axis (bilinear, trilinear).</summary>
    Linear,

    /// <summary>Cubic convolution along each resized axis (bicubic), with coefficient a (−0.75 by default).</summary>
    Cubic,
}
