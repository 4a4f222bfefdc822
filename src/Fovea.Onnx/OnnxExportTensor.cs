using Fovea.Tensors;

namespace Fovea.Onnx;

/// <summary>
/// A tensor of the ONNX graph being exported, as a layer exporter sees it (see <see cref="ILayerExporter"/>).
/// </summary>
/// <param name="Name">The ONNX value name (graph input, initializer or node output).</param>
/// <param name="Shape">Its shape for the model's example input (axis 0 is some batch).</param>
/// <param name="BatchMajor">Whether axis 0 is the batch (declared as the symbolic batch dimension).</param>
/// <param name="Fixed">Whether the other axes (all axes, when axis 0 is not the batch) keep their sizes at every
/// batch.</param>
public sealed record OnnxExportTensor(string Name, Shape Shape, bool BatchMajor, bool Fixed = true)
{
    /// <summary>The number of axes.</summary>
    public int Rank => Shape.Rank;
}
