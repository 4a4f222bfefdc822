namespace Fovea.Data.Transforms;

/// <summary>The kinds of <see cref="FillMode"/>: how a geometric augmentation fills pixels that come from outside
/// the original image.</summary>
public enum FillModeKind
{
    /// <summary>Mirror image with the edge pixel repeated: (d c b a | a b c d | d c b a), Keras' "reflect".</summary>
    Reflect,

    /// <summary>A constant value (<see cref="FillMode.Value"/>).</summary>
    Constant,

    /// <summary>The nearest edge pixel: (a a a a | a b c d | d d d d).</summary>
    Nearest,

    /// <summary>The image repeated periodically: (a b c d | a b c d | a b c d).</summary>
    Wrap,
}
