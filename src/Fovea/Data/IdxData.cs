using Fovea.Tensors;

namespace Fovea.Data;

/// <summary>
/// The contents of an IDX file (the MNIST family's format): its dimensions, outermost first, and its unsigned-byte
/// values in row-major order. For <c>train-images-idx3-ubyte</c> the dimensions are [60000, 28, 28].
/// </summary>
/// <param name="Dimensions">The dimensions from the header, outermost first.</param>
/// <param name="Values">The payload: exactly <c>Dimensions.Length</c> bytes.</param>
public sealed record IdxData(Shape Dimensions, byte[] Values);
