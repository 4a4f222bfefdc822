namespace Fovea.Kernels;

/// <summary>
/// How image kernels read a pixel index i outside [0, n): <see cref="Constant"/> reads a given value,
/// <see cref="Nearest"/> the closest edge pixel (a a a | a b c d | d d d), <see cref="Reflect"/> the mirror image
/// with the edge repeated (d c b a | a b c d | d c b a, Keras' and OpenCV's "reflect"), <see cref="Wrap"/> the
/// periodic continuation (a b c d | a b c d | a b c d).
/// </summary>
internal enum BorderMode
{
    Constant,
    Nearest,
    Reflect,
    Wrap,
}
