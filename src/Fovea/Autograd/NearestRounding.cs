namespace Fovea.Autograd;

/// <summary>How <see cref="ResizeMode.Nearest"/> rounds an input coordinate (ONNX nearest_mode).</summary>
public enum NearestRounding
{
    /// <summary>Round, halves down (ONNX default).</summary>
    RoundPreferFloor,

    /// <summary>Round, halves up.</summary>
    RoundPreferCeil,

    /// <summary>Round down (PyTorch nearest).</summary>
    Floor,

    /// <summary>Round up.</summary>
    Ceil,
}
