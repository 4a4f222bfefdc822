namespace Fovea.Autograd;

/// <summary>
/// How an output coordinate o maps to an input coordinate in <see cref="Functional.Resize"/> (ONNX
/// coordinate_transformation_mode), with scale s = output size / input size (or the given scale).
/// </summary>
public enum ResizeCoordinates
{
    /// <summary>(o + 0.5)/s − 0.5 (PyTorch align_corners=False, ONNX default).</summary>
    HalfPixel,

    /// <summary>As <see cref="HalfPixel"/>, but 0 when the output has one element (PyTorch's exporter).</summary>
    PytorchHalfPixel,

    /// <summary>o·(in − 1)/(out − 1) (PyTorch align_corners=True).</summary>
    AlignCorners,

    /// <summary>o/s (PyTorch nearest, ONNX Upsample).</summary>
    Asymmetric,

    /// <summary>(o + 0.5)/s (TensorFlow nearest).</summary>
    TfHalfPixelForNearest,

    /// <summary>Half-pixel centred on the input (ONNX opset 19 half_pixel_symmetric).</summary>
    HalfPixelSymmetric,
}
