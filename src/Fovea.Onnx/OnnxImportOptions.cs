namespace Fovea.Onnx;

/// <summary>Choices for <see cref="OnnxImporter.Load(string, OnnxImportOptions?)"/>.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>
    /// The batch size assumed for a symbolic batch dimension (axis 0 of the first input) while the graph is imported
    /// and its shape arithmetic folded. Default 1. Models run with any batch where their ops allow it.
    /// </summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>
    /// Full shapes (batch axis included) for inputs whose shapes are symbolic or missing in the file, by input name.
    /// </summary>
    public IReadOnlyDictionary<string, int[]>? InputShapes { get; init; }

    /// <summary>
    /// When the batch axis is symbolic, import the graph a second time for batch + 1 and let every folded shape that
    /// changes follow the running batch (see <see cref="OnnxBatchSlopes"/>). Default true; costs a second, lighter
    /// import.
    /// </summary>
    public bool FlexibleBatch { get; init; } = true;

    /// <summary>
    /// Tensor names (or node names, standing for the node's first output) to make the model's outputs instead of the
    /// graph's; only the nodes they need are imported. Cuts a network before its head, e.g. a pretrained backbone at
    /// its last feature map, so that a fixed-size pooling or classifier after it does not limit the input size.
    /// Default: the graph's outputs.
    /// </summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>The model's name; by default the ONNX graph's name, or the file name.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The largest constant (in elements) the import may create or fold, a guard against corrupt files that declare
    /// huge tensors. Default 2^28 (1 GiB of float32; VGG-19's largest weight has 1.03·10^8 elements).
    /// </summary>
    public long MaxConstantElements { get; init; } = 1L << 28;
}
