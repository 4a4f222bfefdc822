namespace Fovea;

/// <summary>How <see cref="Autograd.Functional.Pad"/> fills the border (ONNX Pad modes, PyTorch padding
/// modes).</summary>
public enum PadMode
{
    /// <summary>A constant value (zeros by default).</summary>
    Constant,

    /// <summary>Mirror without repeating the edge: [1, 2, 3] padded by 2 → [3, 2, 1, 2, 3, 2, 1].</summary>
    Reflect,

    /// <summary>Repeat the edge value (PyTorch's "replicate").</summary>
    Edge,

    /// <summary>Wrap around (PyTorch's "circular").</summary>
    Wrap,
}
